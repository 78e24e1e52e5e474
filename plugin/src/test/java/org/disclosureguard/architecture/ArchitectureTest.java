package org.disclosureguard.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the package map of {@code docs/architecture.md} true: no cycles, a core free of Spring, and
 * dependencies in one direction (config, labels, upstream at the bottom; redaction on labels; gateway above
 * them; app on top).
 */
class ArchitectureTest {

    private static JavaClasses guard;

    @BeforeAll
    static void importGuard() {
        guard = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("org.disclosureguard");
    }

    @Test
    void packages_haveNoCycles() {
        slices().matching("org.disclosureguard.(*)..").should().beFreeOfCycles().check(guard);
    }

    @Test
    void core_doesNotDependOnSpring() {
        noClasses().that().resideOutsideOfPackage("org.disclosureguard.app..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..")
                .check(guard);
    }

    @Test
    void nothing_dependsOnTheApplicationWiring() {
        noClasses().that().resideOutsideOfPackage("org.disclosureguard.app..")
                .should().dependOnClassesThat().resideInAPackage("org.disclosureguard.app..")
                .check(guard);
    }

    @Test
    void labels_dependOnlyOnConfig() {
        noClasses().that().resideInAPackage("org.disclosureguard.labels..")
                .should().dependOnClassesThat().resideInAnyPackage("org.disclosureguard.upstream..",
                        "org.disclosureguard.gateway..", "jakarta.servlet..")
                .check(guard);
    }

    @Test
    void upstream_dependsOnNoOtherGuardPackage() {
        noClasses().that().resideInAPackage("org.disclosureguard.upstream..")
                .should().dependOnClassesThat().resideInAnyPackage("org.disclosureguard.labels..",
                        "org.disclosureguard.gateway..", "org.disclosureguard.config..", "ca.uhn.fhir..",
                        "jakarta.servlet..")
                .check(guard);
    }

    @Test
    void config_dependsOnNoOtherGuardPackage() {
        noClasses().that().resideInAPackage("org.disclosureguard.config..")
                .should().dependOnClassesThat().resideInAnyPackage("org.disclosureguard.labels..",
                        "org.disclosureguard.upstream..", "org.disclosureguard.gateway..")
                .check(guard);
    }

    @Test
    void redaction_dependsOnlyOnLabels() {
        noClasses().that().resideInAPackage("org.disclosureguard.redaction..")
                .should().dependOnClassesThat().resideInAnyPackage("org.disclosureguard.upstream..",
                        "org.disclosureguard.gateway..", "org.disclosureguard.config..", "jakarta.servlet..")
                .check(guard);
    }

    @Test
    void audit_dependsNeitherOnTheGatewayNorUpstream() {
        noClasses().that().resideInAPackage("org.disclosureguard.audit..")
                .should().dependOnClassesThat().resideInAnyPackage("org.disclosureguard.gateway..",
                        "org.disclosureguard.upstream..", "jakarta.servlet..")
                .check(guard);
    }

    @Test
    void database_dependsOnNoOtherGuardPackage() {
        noClasses().that().resideInAPackage("org.disclosureguard.database..")
                .should().dependOnClassesThat().resideInAnyPackage("org.disclosureguard.audit..",
                        "org.disclosureguard.gateway..", "org.disclosureguard.policy..", "jakarta.servlet..")
                .check(guard);
    }

    @Test
    void notification_dependsOnlyOnAuditAndTextAmongGuardPackages() {
        noClasses().that().resideInAPackage("org.disclosureguard.notification..")
                .should().dependOnClassesThat().resideInAnyPackage("org.disclosureguard.gateway..",
                        "org.disclosureguard.upstream..", "org.disclosureguard.policy..",
                        "org.disclosureguard.identity..", "org.disclosureguard.labels..",
                        "org.disclosureguard.redaction..", "org.disclosureguard.config..", "jakarta.servlet..")
                .check(guard);
    }

    @Test
    void tracing_dependsNeitherOnTheGatewayNorNotification() {
        noClasses().that().resideInAPackage("org.disclosureguard.tracing..")
                .should().dependOnClassesThat().resideInAnyPackage("org.disclosureguard.gateway..",
                        "org.disclosureguard.notification..", "org.disclosureguard.upstream..",
                        "org.disclosureguard.review..", "jakarta.servlet..")
                .check(guard);
    }

    @Test
    void policyAndAudit_doNotKnowAboutTracing() {
        noClasses().that().resideInAnyPackage("org.disclosureguard.policy..", "org.disclosureguard.audit..")
                .should().dependOnClassesThat().resideInAPackage("org.disclosureguard.tracing..")
                .check(guard);
    }

    @Test
    void audit_doesNotKnowAboutNotification() {
        noClasses().that().resideInAPackage("org.disclosureguard.audit..")
                .should().dependOnClassesThat().resideInAPackage("org.disclosureguard.notification..")
                .check(guard);
    }
}
