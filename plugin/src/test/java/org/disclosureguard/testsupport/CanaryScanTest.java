package org.disclosureguard.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The canary scan the hardening suites rely on finds a canary in each form it claims to, and nothing else. */
class CanaryScanTest {

    private static final String CANARY = "CnryAddressLine7f3a9c";

    @TestFactory
    Stream<DynamicTest> aCanaryInsideABase64Text_isFoundAtEveryAlignment_seed20261123() {
        Random random = new Random(20261123L);
        return IntStream.range(0, 30).mapToObj(i -> {
            byte[] before = new byte[random.nextInt(40)];
            byte[] after = new byte[random.nextInt(40)];
            random.nextBytes(before);
            random.nextBytes(after);
            return DynamicTest.dynamicTest(before.length + " bytes before, " + after.length + " after", () -> {
                byte[] canary = CANARY.getBytes(StandardCharsets.UTF_8);
                byte[] all = new byte[before.length + canary.length + after.length];
                System.arraycopy(before, 0, all, 0, before.length);
                System.arraycopy(canary, 0, all, before.length, canary.length);
                System.arraycopy(after, 0, all, before.length + canary.length, after.length);

                assertThat(CanaryScan.find("{\"data\":\"" + Base64.getEncoder().encodeToString(all) + "\"}",
                        List.of(CANARY))).isPresent();
                assertThat(CanaryScan.find(Base64.getUrlEncoder().encodeToString(all), List.of(CANARY))).isPresent();
            });
        });
    }

    @Test
    void everyTextFormIsFound_whateverItsCase() {
        for (String text : List.of(CANARY.toUpperCase(), "line=" + percentEncoded(CANARY).toLowerCase(),
                "<line value=\"" + references(CANARY) + "\"/>", "{\"line\":\"" + jsonEscaped(CANARY) + "\"}")) {
            assertThat(CanaryScan.find(text, List.of(CANARY))).as(text).isPresent();
        }
    }

    @Test
    void aTextWithoutTheCanary_orWithOnlyPartOfIt_isClean() {
        String part = CANARY.substring(0, CANARY.length() - 1);
        assertThat(CanaryScan.find("{\"line\":\"" + part + "\",\"b64\":\""
                + Base64.getEncoder().encodeToString(part.getBytes(StandardCharsets.UTF_8)) + "\"}",
                List.of(CANARY))).isEmpty();
    }

    private static String percentEncoded(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            out.append('%').append(String.format("%02X", b));
        }
        return out.toString();
    }

    private static String references(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(cp -> out.append("&#").append(cp).append(';'));
        return out.toString();
    }

    private static String jsonEscaped(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(cp -> out.append(String.format("\\u%04X", cp)));
        return out.toString();
    }
}
