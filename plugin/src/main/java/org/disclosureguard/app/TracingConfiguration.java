package org.disclosureguard.app;

import javax.sql.DataSource;
import org.disclosureguard.audit.JdbcAuditStore;
import org.disclosureguard.tracing.TracingAlerts;
import org.disclosureguard.tracing.TracingDetector;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires tracing detection ({@code docs/limits.md}, "Tracing alerts"): the detector the audit recorder shows every
 * committed entry to, and the store of alerts the staff page lists. The thresholds come from the policy in force, so
 * a policy reload changes them without a restart.
 */
@Configuration(proxyBeanMethods = false)
class TracingConfiguration {

    /** The most windows (pattern and requester or patient) the detector holds at once. */
    static final long MAXIMUM_WINDOWS = 200_000;

    @Bean
    TracingDetector tracingDetector() {
        return new TracingDetector(MAXIMUM_WINDOWS);
    }

    /** Depends on the audit store so that the database is migrated first. */
    @Bean
    TracingAlerts tracingAlerts(DataSource guardDataSource, JdbcAuditStore auditStore) {
        return new TracingAlerts(guardDataSource);
    }
}
