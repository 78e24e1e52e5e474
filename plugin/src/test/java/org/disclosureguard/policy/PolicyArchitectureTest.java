package org.disclosureguard.policy;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keeps the policy package a core package, as its {@code package-info.java} says. */
class PolicyArchitectureTest {

    private static JavaClasses guard;

    @BeforeAll
    static void importGuard() {
        guard = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("org.disclosureguard");
    }

    @Test
    void policy_dependsOnlyOnConfigLabelsRedactionAndCel() {
        noClasses().that().resideInAPackage("org.disclosureguard.policy..")
                .should().dependOnClassesThat().resideInAnyPackage("org.disclosureguard.gateway..",
                        "org.disclosureguard.upstream..", "org.disclosureguard.app..", "org.springframework..",
                        "jakarta.servlet..", "ca.uhn.fhir..", "org.hl7.fhir..")
                .check(guard);
    }

    @Test
    void policyCore_doesNotDependOnTheCommandLine() {
        noClasses().that().resideInAPackage("org.disclosureguard.policy")
                .should().dependOnClassesThat().resideInAnyPackage("picocli..", "org.disclosureguard.policy.cli..")
                .check(guard);
    }

    @Test
    void otherCorePackages_doNotDependOnPolicy() {
        noClasses().that().resideInAnyPackage("org.disclosureguard.config..", "org.disclosureguard.labels..",
                        "org.disclosureguard.redaction..", "org.disclosureguard.upstream..")
                .should().dependOnClassesThat().resideInAPackage("org.disclosureguard.policy..")
                .check(guard);
    }
}
