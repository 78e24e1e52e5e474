package org.disclosureguard.app;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.disclosureguard.audit.AppendResult;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.AuditKeyDirectory;
import org.disclosureguard.audit.AuditSigningKey;
import org.disclosureguard.audit.Checkpointer;
import org.disclosureguard.audit.JdbcAuditStore;
import org.disclosureguard.audit.TransactionalWrite;
import org.disclosureguard.database.GuardDatabase;
import org.disclosureguard.gateway.DisclosureRecorder;
import org.disclosureguard.notification.NoticeSubject;
import org.disclosureguard.notification.NotificationOutbox;
import org.disclosureguard.policy.PolicyEngine;
import org.disclosureguard.policy.PolicyStore;
import org.disclosureguard.tracing.AlertPages;
import org.disclosureguard.tracing.TracingAlert;
import org.disclosureguard.tracing.TracingAlerts;
import org.disclosureguard.tracing.TracingDetector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the audit trail: the guard's database (an H2 file by default, PostgreSQL in production; migrated with
 * Flyway at start, and the guard does not start if it cannot be), the hash-chained store every request is
 * recorded in before anything is released, and the Ed25519 checkpoints signed over the chain head every
 * {@code guard.audit.checkpoint-interval} and every {@value #CHECKPOINT_EVERY} entries.
 */
@Configuration(proxyBeanMethods = false)
class AuditConfiguration {

    /** Entries after which a checkpoint is signed without waiting for the interval. */
    static final long CHECKPOINT_EVERY = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger(AuditConfiguration.class);

    @Bean(destroyMethod = "close")
    HikariDataSource guardDataSource(GuardProperties properties) {
        GuardProperties.Database database = properties.getDatabase();
        if (database.getUrl() == null || database.getUrl().isBlank()) {
            throw new IllegalStateException("guard.database.url is required: the JDBC URL of the guard's database, "
                    + "for example jdbc:h2:file:./data/disclosure-guard or jdbc:postgresql://db.practice.local/guard");
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(database.getUrl());
        config.setUsername(database.getUser());
        config.setPassword(database.getPassword());
        config.setMaximumPoolSize(database.getPoolSize());
        config.setConnectionTimeout(Math.max(250, database.getConnectionTimeout().toMillis()));
        config.setPoolName("guard-db");
        return new HikariDataSource(config);
    }

    @Bean
    JdbcAuditStore auditStore(DataSource guardDataSource) {
        String version = GuardDatabase.migrate(guardDataSource);
        LOG.info("The guard's database is at schema version {}", version);
        return new JdbcAuditStore(guardDataSource);
    }

    /**
     * The checkpoint signing key ({@link AuditKeyDirectory#forStartup}). Takes the audit store so that the schema is
     * migrated before the newest checkpoint is looked up.
     */
    @Bean
    AuditSigningKey auditSigningKey(GuardProperties properties, JdbcAuditStore auditStore,
            DataSource guardDataSource) {
        Path dir = properties.getAudit().getKeyDir();
        if (dir == null) {
            throw new IllegalStateException("guard.audit.key-dir is required: where the audit checkpoint keys are");
        }
        boolean first = !Files.exists(dir.resolve(AuditKeyDirectory.CURRENT));
        AuditSigningKey key = AuditKeyDirectory.forStartup(dir, Checkpointer.newest(guardDataSource),
                new SecureRandom());
        if (first) {
            LOG.warn("Created the audit checkpoint signing key {} in {}. Keep a copy of its public key "
                    + "(audit-{}.pub.pem) away from this machine: verifiers need it.", key.keyId(), dir, key.keyId());
        }
        return key;
    }

    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService auditCheckpoints() {
        return Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "audit-checkpoints");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Bean
    Checkpointer checkpointer(DataSource guardDataSource, AuditSigningKey key, ScheduledExecutorService auditCheckpoints,
            GuardProperties properties) {
        Checkpointer checkpointer = new Checkpointer(guardDataSource, key, Clock.systemUTC());
        Duration interval = properties.getAudit().getCheckpointInterval();
        auditCheckpoints.scheduleWithFixedDelay(() -> checkpoint(checkpointer), interval.toMillis(),
                interval.toMillis(), TimeUnit.MILLISECONDS);
        return checkpointer;
    }

    /**
     * Commits each entry with the store, together with its notification rows when it is a disclosure, and asks for
     * a checkpoint every {@value #CHECKPOINT_EVERY} entries. Once committed, the entry is shown to the tracing
     * detector against the thresholds of the policy in force; each alert it raises is committed as an entry of its
     * own, in one transaction with the alert's row and its notice to the Caldicott Guardian ({@code docs/limits.md}).
     */
    @Bean
    DisclosureRecorder disclosureRecorder(JdbcAuditStore store, Checkpointer checkpointer,
            ScheduledExecutorService auditCheckpoints, NotificationOutbox notificationOutbox, PolicyStore policyStore,
            TracingDetector tracingDetector, TracingAlerts tracingAlerts, GuardProperties properties) {
        AtomicLong appended = new AtomicLong();
        String instance = instanceName(properties);
        return (entry, patients, alsoWrite) -> {
            List<TransactionalWrite> writes = new ArrayList<>(alsoWrite);
            List<NoticeSubject> subjects = NotificationConfiguration.subjects(entry, patients);
            writes.addAll(entry.disclosure() ? notificationOutbox.writesFor(entry, subjects)
                    : notificationOutbox.writesFor(entry, subjects, !subjects.isEmpty()));
            AppendResult result = store.append(entry, writes);
            if (appended.incrementAndGet() % CHECKPOINT_EVERY == 0) {
                auditCheckpoints.execute(() -> checkpoint(checkpointer));
            }
            raiseAlerts(entry, result.seq(), store, notificationOutbox, policyStore, tracingDetector, tracingAlerts,
                    instance);
        };
    }

    /**
     * Shows a committed entry to the tracing detector and commits the alerts it raises. Never throws: the request's
     * own entry is already committed, so a failure here is logged (DG-2502) and does not change the answer.
     */
    static void raiseAlerts(AuditEntry entry, long seq, JdbcAuditStore store, NotificationOutbox outbox,
            PolicyStore policies, TracingDetector detector, TracingAlerts alerts, String instance) {
        List<TracingAlert> raised;
        try {
            PolicyEngine engine = policies.current();
            raised = detector.observe(entry, seq, engine.tracing(), engine.version());
        } catch (RuntimeException e) {
            LOG.error("DG-2502 audit entry {} could not be checked for tracing: {}", seq, e.toString());
            return;
        }
        for (TracingAlert alert : raised) {
            try {
                AppendResult stored = store.append(alert.auditEntry(instance), List.of(alerts.write(alert),
                        outbox.alertWrite(alert.alertId(), alert.raisedAt(), alert.recipient(), alert.organisation(),
                                alert.requesterClass(), alert.summary(), AlertPages.PATH + "/" + alert.alertId())));
                LOG.warn("Tracing alert {} ({}), audit entry {}: {}", alert.alertId(), alert.pattern().code(),
                        stored.seq(), alert.summary());
            } catch (RuntimeException e) {
                LOG.error("DG-2502 tracing alert {} ({}: {}) could not be recorded; the audit entries behind it "
                        + "are {}: {}", alert.alertId(), alert.pattern().code(), alert.summary(),
                        alert.evidenceSeqs(), e.toString());
            }
        }
    }

    private static void checkpoint(Checkpointer checkpointer) {
        try {
            checkpointer.checkpointIfMoved().ifPresent(c ->
                    LOG.debug("Signed the audit checkpoint at seq {} with key {}", c.seq(), c.keyId()));
        } catch (RuntimeException e) {
            LOG.warn("The audit checkpoint could not be signed now; it is tried again later: {}", e.getMessage());
        }
    }

    /** This instance's name in audit entries: {@code guard.instance}, else the host name. */
    static String instanceName(GuardProperties properties) {
        if (properties.getInstance() != null && !properties.getInstance().isBlank()) {
            return properties.getInstance().strip();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "guard";
        }
    }
}
