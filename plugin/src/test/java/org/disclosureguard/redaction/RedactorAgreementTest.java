package org.disclosureguard.redaction;

import static org.disclosureguard.redaction.RedactionSupport.DEMO;
import static org.disclosureguard.redaction.RedactionSupport.EVERYTHING_LABELLED;
import static org.disclosureguard.redaction.RedactionSupport.LANGUAGE;
import static org.disclosureguard.redaction.RedactionSupport.LOCIS;
import static org.disclosureguard.redaction.RedactionSupport.NATIONALITY;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The JSON-tree redactor must leave exactly the resources the model redactor leaves, with the same counts and
 * withheld locations: on every fixture, labelled by each labeller, for several redactions.
 */
class RedactorAgreementTest {

    private static final Map<String, Redaction> REDACTIONS = new LinkedHashMap<>();

    static {
        REDACTIONS.put("withhold LOCIS", Redaction.withholding(LOCIS));
        REDACTIONS.put("withhold DEMO+LOCIS", Redaction.withholding(DEMO, LOCIS));
        REDACTIONS.put("withhold NATIONALITY+LANGUAGE", Redaction.withholding(NATIONALITY, LANGUAGE));
        REDACTIONS.put("withhold everything labelled", Redaction.withholding(EVERYTHING_LABELLED));
        REDACTIONS.put("withhold LOCIS, totals suppressed", Redaction.withholding(LOCIS).suppressingTotals());
    }

    @TestFactory
    Stream<DynamicNode> treeAndModel_agree_onEveryFixture() {
        return REDACTIONS.entrySet().stream().map(redaction -> DynamicContainer.dynamicContainer(redaction.getKey(),
                RedactionSupport.fixtures().entrySet().stream().map(fixture -> DynamicTest.dynamicTest(
                        fixture.getKey(),
                        () -> RedactionSupport.labelAndRedactBoth(fixture.getValue(), redaction.getValue())))));
    }
}
