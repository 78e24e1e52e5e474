package org.disclosureguard.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.disclosureguard.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyStoreTest {

    private static final String PERMIT_ALL = PolicyFixtures.HEADER + """
              - id: permit-all
                stage: request
                when: "true"
                then: permit
            """;
    private static final String DENY_ALL = PolicyFixtures.HEADER + """
              - id: deny-all
                stage: request
                when: "true"
                then: deny
                reason: closed
            """;

    /** A clock that moves only when told to. */
    private static final class StepClock extends Clock {
        private Instant now = Instant.parse("2018-05-09T12:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        void advanceSeconds(long seconds) {
            now = now.plusSeconds(seconds);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void open_loadsTheFile_andRecordsTheLoadTime(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("policy.yaml"), PERMIT_ALL);
        StepClock clock = new StepClock();

        PolicyStore store = PolicyStore.open(file, clock);

        assertThat(store.version()).isEqualTo(PolicyEngine.load(file).version());
        assertThat(store.loadedAt()).isEqualTo(Instant.parse("2018-05-09T12:00:00Z"));
        assertThat(store.lastFailure()).isEmpty();
        assertThat(store.current().decideRequest(PolicyFixtures.read(PolicyFixtures.PROVIDER, "TREAT")).outcome())
                .isEqualTo(Outcome.PERMIT);
    }

    @Test
    void open_refusesAnInvalidPolicy_soThatTheGuardDoesNotStart(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("policy.yaml"), PolicyFixtures.HEADER + "  - id: x\n");

        assertThatThrownBy(() -> PolicyStore.open(file, Clock.systemUTC()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("policy.yaml:6")
                .hasMessageContaining("DG-2002");
    }

    @Test
    void reload_ofAValidFile_swapsThePolicy_andSaysTheVersionChanged(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("policy.yaml"), PERMIT_ALL);
        StepClock clock = new StepClock();
        PolicyStore store = PolicyStore.open(file, clock);
        String before = store.version();
        Files.writeString(file, DENY_ALL);
        clock.advanceSeconds(60);

        PolicyStore.ReloadResult result = store.reload();

        assertThat(result.success()).isTrue();
        assertThat(result.changed()).isTrue();
        assertThat(result.error()).isEmpty();
        assertThat(result.version()).isEqualTo(store.version()).isNotEqualTo(before);
        assertThat(store.loadedAt()).isEqualTo(Instant.parse("2018-05-09T12:01:00Z"));
        assertThat(store.current().decideRequest(PolicyFixtures.read(PolicyFixtures.PROVIDER, "TREAT")).ruleId())
                .isEqualTo("deny-all");
    }

    @Test
    void reload_ofAnUnchangedFile_succeeds_withoutAChange(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("policy.yaml"), PERMIT_ALL);
        PolicyStore store = PolicyStore.open(file, new StepClock());

        PolicyStore.ReloadResult result = store.reload(file);

        assertThat(result.success()).isTrue();
        assertThat(result.changed()).isFalse();
    }

    @Test
    void reload_ofAnInvalidFile_keepsTheLastGoodPolicy_andSaysWhy_withoutThrowing(@TempDir Path dir)
            throws Exception {
        Path file = Files.writeString(dir.resolve("policy.yaml"), PERMIT_ALL);
        StepClock clock = new StepClock();
        PolicyStore store = PolicyStore.open(file, clock);
        PolicyEngine good = store.current();
        Files.writeString(file, PERMIT_ALL.replace("then: permit", "then: permitt"));
        clock.advanceSeconds(5);

        PolicyStore.ReloadResult result = store.reload();

        assertThat(result.success()).isFalse();
        assertThat(result.changed()).isFalse();
        assertThat(result.version()).isEqualTo(good.version());
        assertThat(result.error()).startsWith("DG-2201").contains(good.version(), "policy.yaml:9", "DG-2009",
                "unknown outcome 'permitt'");
        assertThat(store.current()).isSameAs(good);
        assertThat(store.loadedAt()).isEqualTo(Instant.parse("2018-05-09T12:00:00Z"));
        assertThat(store.lastFailure()).contains(result);
    }

    @Test
    void reload_ofAMissingFile_keepsTheLastGoodPolicy(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("policy.yaml"), PERMIT_ALL);
        PolicyStore store = PolicyStore.open(file, new StepClock());

        PolicyStore.ReloadResult result = store.reload(dir.resolve("gone.yaml"));

        assertThat(result.success()).isFalse();
        assertThat(result.error()).contains("DG-2201", "gone.yaml", "DG-2001");
        assertThat(store.version()).isEqualTo(PolicyEngine.load(file).version());
    }

    @Test
    void storeOfACompiledPolicy_cannotReloadWithoutAFile() {
        PolicyStore store = PolicyStore.of(PolicyEngine.defaults(), new StepClock());

        PolicyStore.ReloadResult result = store.reload();

        assertThat(result.success()).isFalse();
        assertThat(result.error()).contains("DG-2201", "not loaded from a file");
        assertThat(store.version()).isEqualTo(PolicyEngine.defaults().version());
    }

    @Test
    void readersDuringReloads_alwaysSeeOneWholePolicy(@TempDir Path dir) throws Exception {
        Path permit = Files.writeString(dir.resolve("permit.yaml"), PERMIT_ALL);
        Path deny = Files.writeString(dir.resolve("deny.yaml"), DENY_ALL);
        PolicyStore store = PolicyStore.open(permit, Clock.systemUTC());
        Set<String> permitVersion = Set.of(PolicyEngine.load(permit).version());
        Set<String> seen = ConcurrentHashMap.newKeySet();
        List<String> mismatches = new ArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch started = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            started.countDown();
            while (running.get()) {
                PolicyEngine engine = store.current();
                Decision decision = engine.decideRequest(PolicyFixtures.read(PolicyFixtures.PROVIDER, "TREAT"));
                seen.add(decision.ruleId());
                boolean permits = decision.outcome() == Outcome.PERMIT;
                if (permits != permitVersion.contains(decision.policyVersion())) {
                    synchronized (mismatches) {
                        mismatches.add(decision.toString());
                    }
                }
            }
        });
        reader.start();
        started.await();

        for (int i = 0; i < 20; i++) {
            assertThat(store.reload(i % 2 == 0 ? deny : permit).success()).isTrue();
        }
        running.set(false);
        reader.join();

        assertThat(mismatches).isEmpty();
        assertThat(seen).isNotEmpty().isSubsetOf("permit-all", "deny-all");
    }
}
