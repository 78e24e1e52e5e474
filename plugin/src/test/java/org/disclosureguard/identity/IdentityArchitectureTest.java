package org.disclosureguard.identity;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keeps the identity package a core package: no Spring, no servlet API, no other guard package but config. */
class IdentityArchitectureTest {

    private static JavaClasses identity;

    @BeforeAll
    static void importIdentity() {
        identity = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("org.disclosureguard.identity");
    }

    @Test
    void identity_dependsOnNoFrameworkAndNoGuardPackageButConfig() {
        noClasses().that().resideInAPackage("org.disclosureguard.identity..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "jakarta.servlet..",
                        "javax.servlet..", "ca.uhn.fhir..", "org.disclosureguard.labels..",
                        "org.disclosureguard.redaction..", "org.disclosureguard.upstream..",
                        "org.disclosureguard.gateway..", "org.disclosureguard.app..")
                .check(identity);
    }

    @Test
    void identityCore_doesNotDependOnItsCommandLine() {
        noClasses().that().resideInAPackage("org.disclosureguard.identity")
                .should().dependOnClassesThat().resideInAnyPackage("org.disclosureguard.identity.cli..", "picocli..")
                .check(identity);
    }
}
