package org.disclosureguard.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.disclosureguard.labels.Confidentiality;
import org.disclosureguard.labels.SecurityLabel;
import org.disclosureguard.labels.Vocabulary;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Promises of the default policy checked over every combination of requester class, purpose and legal basis it
 * declares (the scenario corpus checks the story case by case).
 */
class DefaultPolicyTest {

    private static final PolicyEngine DEFAULTS = PolicyEngine.defaults();
    private static final SecurityLabel NORDSCLCD = new SecurityLabel(Vocabulary.ACT_CODE, "NORDSCLCD");
    private static final String NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number|9449306613";
    private static final Set<SecurityLabel> ALL_PATIENT_LABELS = Set.of(label("IDS"), label("DEMO"), label("DOB"),
            label("GENDER"), label("MARST"), label("LOCIS"), label("LANGUAGE"), label("NATIONALITY"), label("RACE"),
            label("REL"));

    private static SecurityLabel label(String name) {
        return SecurityLabel.parse(name);
    }

    /** A fully stated external request (case reference and officer given) for every declared combination. */
    private static List<RequestContext> everyExternalRead() {
        List<RequestContext> contexts = new ArrayList<>();
        List<String> purposes = new ArrayList<>(DEFAULTS.purposes());
        purposes.add("");
        List<String> bases = new ArrayList<>(DEFAULTS.legalBases());
        bases.add("");
        for (String requesterClass : DEFAULTS.requesterClasses()) {
            Requester requester = Requester.external(requesterClass + "-1", "Org", requesterClass);
            for (String purpose : purposes) {
                for (String basis : bases) {
                    contexts.add(RequestContext.read(requester, purpose, basis, "Patient").withCase("C-1", "O-1"));
                }
            }
        }
        return contexts;
    }

    /** One external read of a patient with a given confidentiality, and its final decision. */
    private record Case(RequestContext context, Confidentiality level, Decision decision) {
        String requesterClass() {
            return context.requester().requesterClass();
        }
    }

    /** Every external read at every confidentiality level, decided once and shared by the tests. */
    private static final List<Case> TABLE = buildTable();

    private static List<Case> buildTable() {
        List<Case> cases = new ArrayList<>();
        for (RequestContext context : everyExternalRead()) {
            for (Confidentiality level : Confidentiality.values()) {
                cases.add(new Case(context, level, decideAll(context, patient(level))));
            }
        }
        return cases;
    }

    private static ResourceFacts patient(Confidentiality confidentiality) {
        return new ResourceFacts("Patient", "p1", confidentiality, ALL_PATIENT_LABELS, true);
    }

    /** The final decision as the gateway reaches it: refused at the request stage, or decided per resource. */
    private static Decision decideAll(RequestContext context, ResourceFacts facts) {
        Decision request = DEFAULTS.decideRequest(context);
        return request.outcome() == Outcome.DENY ? request : DEFAULTS.decideResource(context, facts);
    }

    @Test
    void defaultPolicy_compiles_andItsVersionIsTheHashOfTheShippedFile() throws Exception {
        byte[] bytes = PolicyEngine.defaultPolicyBytes();

        assertThat(DEFAULTS.version())
                .isEqualTo("sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        assertThat(DEFAULTS.rules()).hasSizeGreaterThanOrEqualTo(15);
        assertThat(DEFAULTS.rules()).allSatisfy(rule -> assertThat(rule.description()).isNotBlank());
    }

    @Test
    void immigrationEnforcement_isNeverReleasedWithoutReview_whateverItClaims() {
        List<Case> immigration = TABLE.stream().filter(c -> c.requesterClass().equals("immigration-enforcement"))
                .toList();

        assertThat(immigration).isNotEmpty().allSatisfy(c -> {
            Decision decision = c.decision();
            assertThat(decision.outcome()).as("%s", c).isIn(Outcome.DENY, Outcome.ESCALATE);
            if (decision.outcome() == Outcome.ESCALATE) {
                assertThat(c.context().legalBasis()).isIn("DEPORT-SERIOUS-CRIME", "PUBLIC-SECURITY");
                assertThat(decision.reviewerRole()).isEqualTo("caldicott-guardian");
                assertThat(decision.withheld()).as("the minimum necessary").containsAll(Set.of(label("LOCIS"),
                        label("NATIONALITY"), label("LANGUAGE"), label("RACE"), label("REL"), label("MARST"),
                        label("GENDER")));
                assertThat(decision.withheld()).doesNotContain(label("DEMO"), label("DOB"), label("IDS"));
            }
        });
        assertThat(immigration).anyMatch(c -> c.decision().outcome() == Outcome.ESCALATE);
    }

    @Test
    void benefitsAndTax_areAlwaysRefusedBeforeTheUpstreamCall() {
        assertThat(TABLE).filteredOn(c -> Set.of("benefits", "tax").contains(c.requesterClass())).isNotEmpty()
                .allSatisfy(c -> {
                    assertThat(c.decision().outcome()).isEqualTo(Outcome.DENY);
                    assertThat(c.decision().stage()).isEqualTo(Stage.REQUEST);
                    assertThat(c.decision().ruleId()).isEqualTo("benefits-and-tax-refused");
                });
    }

    @Test
    void restrictedRecords_reachOutsidersOnlyAfterReview_exceptEmergencyTreatmentWithoutLocation() {
        assertThat(TABLE).filteredOn(c -> c.level() == Confidentiality.R || c.level() == Confidentiality.V)
                .allSatisfy(c -> {
                    boolean emergency = c.requesterClass().equals("nhs-provider")
                            && c.context().purposeOfUse().equals("ETREAT");
                    if (emergency && c.decision().outcome() != Outcome.DENY) {
                        assertThat(c.decision().outcome()).isEqualTo(Outcome.REDACT);
                        assertThat(c.decision().ruleId()).isEqualTo("restricted-record-emergency-care");
                        assertThat(c.decision().withheld()).contains(label("LOCIS"));
                    } else {
                        assertThat(c.decision().outcome()).as("%s", c).isIn(Outcome.DENY, Outcome.ESCALATE);
                    }
                });
    }

    @Test
    void everythingReleasedToAnOutsider_carriesNoRedisclosureWithoutConsent() {
        assertThat(TABLE).filteredOn(c -> c.decision().outcome() != Outcome.DENY)
                .allSatisfy(c -> assertThat(c.decision().obligations()).as("%s", c).contains(NORDSCLCD));
        assertThat(TABLE).as("some combinations are released").anyMatch(c -> c.decision().releases());
    }

    @Test
    void internalRequesters_getTheLabelledRecord_evenWhenRestricted() {
        Requester staff = new Requester("gp-1", "The practice", "practice", true);
        RequestContext context = RequestContext.read(staff, "TREAT", "", "Patient");

        Decision decision = decideAll(context, patient(Confidentiality.V));

        assertThat(decision.outcome()).isEqualTo(Outcome.PERMIT);
        assertThat(decision.ruleId()).isEqualTo("internal-requesters");
        assertThat(decision.released()).isEqualTo(ALL_PATIENT_LABELS);
    }

    @Test
    void identifiedSearch_byNhsNumberAndBirthDate_isPermittedForDirectCare() {
        RequestContext context = RequestContext.search(Requester.external("t", "Trust", "nhs-provider"), "TREAT", "",
                "Patient", Map.of("identifier", List.of(NHS_NUMBER), "birthdate", List.of("1979-03-14")));

        Decision decision = DEFAULTS.decideRequest(context);

        assertThat(decision.outcome()).isEqualTo(Outcome.PERMIT);
        assertThat(decision.ruleId()).isEqualTo("direct-care");
    }

    /** Search parameters that trace, fish or count; each must be refused for an outsider before the upstream call. */
    private static Map<String, List<String>> oracleSearches() {
        Map<String, List<String>> searches = new LinkedHashMap<>();
        for (String name : List.of("name", "family", "given", "phonetic", "address", "address-city",
                "address-postalcode", "address-state", "address-country", "address-use", "phone", "email", "telecom",
                "gender", "general-practitioner", "organization", "death-date", "_id", "_lastUpdated", "_content",
                "_text", "_filter", "_sort", "_count", "_include", "_revinclude", "_elements", "_total", "_summary",
                "_has:Observation:patient:code", "general-practitioner.name", "general-practitioner:Practitioner.name",
                "name:contains", "family:exact", "identifier:missing", "birthdate:missing", "identifier:of-type",
                "link")) {
            searches.put(name, List.of(name.startsWith("_summary") ? "count" : "x"));
        }
        return searches;
    }

    @TestFactory
    Stream<DynamicTest> everyOracleSearchParameter_isRefusedForOutsiders_beforeTheUpstreamCall() {
        Requester provider = Requester.external("t", "Trust", "nhs-provider");
        return oracleSearches().entrySet().stream().map(search -> DynamicTest.dynamicTest(search.getKey(), () -> {
            Map<String, List<String>> params = new LinkedHashMap<>();
            params.put("identifier", List.of(NHS_NUMBER));
            params.put("birthdate", List.of("1979-03-14"));
            params.put(search.getKey(), search.getValue());

            Decision withIdentification = DEFAULTS.decideRequest(
                    RequestContext.search(provider, "TREAT", "", "Patient", params));
            Decision alone = DEFAULTS.decideRequest(RequestContext.search(provider, "TREAT", "", "Patient",
                    Map.of(search.getKey(), search.getValue())));

            for (Decision decision : List.of(withIdentification, alone)) {
                assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
                assertThat(decision.stage()).isEqualTo(Stage.REQUEST);
                assertThat(decision.ruleId()).isEqualTo("external-search-protected-criteria");
            }
        }));
    }

    @Test
    void searchesThatDoNotIdentifyOnePatient_areRefused_andTheRefusalDoesNotDependOnTheValues() {
        Requester provider = Requester.external("t", "Trust", "nhs-provider");
        List<Map<String, List<String>>> searches = List.of(
                Map.of("birthdate", List.of("1979-03-14")),
                Map.of("identifier", List.of(NHS_NUMBER)),
                Map.of("identifier", List.of("https://fhir.nhs.uk/Id/nhs-number|944930661"),
                        "birthdate", List.of("1979-03-14")),
                Map.of("identifier", List.of("9449306613"), "birthdate", List.of("1979-03-14")),
                Map.of("identifier", List.of(NHS_NUMBER + "," + NHS_NUMBER), "birthdate", List.of("1979-03-14")),
                Map.of("identifier", List.of(NHS_NUMBER, NHS_NUMBER), "birthdate", List.of("1979-03-14")),
                Map.of("identifier", List.of(NHS_NUMBER), "birthdate", List.of("ge1979-03-14")),
                Map.of("identifier", List.of(NHS_NUMBER), "birthdate", List.of("1979")),
                Map.of());
        List<String> reasons = new ArrayList<>();
        for (Map<String, List<String>> params : searches) {
            Decision decision = DEFAULTS.decideRequest(RequestContext.search(provider, "TREAT", "", "Patient", params));
            assertThat(decision.outcome()).as("%s", params).isEqualTo(Outcome.DENY);
            assertThat(decision.ruleId()).isEqualTo("external-search-must-identify-one-patient");
            reasons.add(decision.reason());
        }
        assertThat(Set.copyOf(reasons)).hasSize(1);
        Decision otherType = DEFAULTS.decideRequest(RequestContext.search(provider, "TREAT", "", "Observation",
                Map.of("identifier", List.of(NHS_NUMBER), "birthdate", List.of("1979-03-14"))));
        assertThat(otherType.ruleId()).isEqualTo("external-search-must-identify-one-patient");
    }
}
