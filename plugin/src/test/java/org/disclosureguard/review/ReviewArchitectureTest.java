package org.disclosureguard.review;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keeps the review package a core package, as its {@code package-info.java} says. */
class ReviewArchitectureTest {

    private static JavaClasses guard;

    @BeforeAll
    static void importGuard() {
        guard = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("org.disclosureguard");
    }

    @Test
    void review_dependsNeitherOnTheWebNorTheGatewayNorTheAuditTrail() {
        noClasses().that().resideInAPackage("org.disclosureguard.review..")
                .should().dependOnClassesThat().resideInAnyPackage("org.disclosureguard.gateway..",
                        "org.disclosureguard.upstream..", "org.disclosureguard.app..",
                        "org.disclosureguard.audit..", "org.springframework..", "jakarta.servlet..",
                        "ca.uhn.fhir..", "org.hl7.fhir..")
                .check(guard);
    }

    @Test
    void otherCorePackages_doNotDependOnReview() {
        noClasses().that().resideInAnyPackage("org.disclosureguard.config..", "org.disclosureguard.labels..",
                        "org.disclosureguard.redaction..", "org.disclosureguard.upstream..",
                        "org.disclosureguard.policy..", "org.disclosureguard.audit..",
                        "org.disclosureguard.database..")
                .should().dependOnClassesThat().resideInAPackage("org.disclosureguard.review..")
                .check(guard);
    }
}
