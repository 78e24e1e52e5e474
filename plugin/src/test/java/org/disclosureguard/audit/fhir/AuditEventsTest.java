package org.disclosureguard.audit.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import ca.uhn.fhir.validation.SingleValidationMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.AuditOutcome;
import org.disclosureguard.profiles.FhirProfiles;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.Coding;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class AuditEventsTest {

    /** Every outcome, internal and external, read and search (and a page, and a refused write). */
    static Map<String, AuditEntry> scenarios() {
        Map<String, AuditEntry> s = new LinkedHashMap<>();
        s.put("permit-external-read", Entries.entry().build());
        s.put("permit-external-search", Entries.entry().search().build());
        s.put("permit-external-page", Entries.entry().search().with(e -> {
            e.interaction = "page";
            e.target = "?_getpages=abc&_getpagesoffset=20";
        }).build());
        s.put("redact-external-read", Entries.entry().with(e -> {
            e.outcome = AuditOutcome.REDACT;
            e.withheld = List.of("Patient/9000000009 address", "Patient/9000000009 telecom");
        }).build());
        s.put("redact-external-search", Entries.entry().search().with(e -> {
            e.outcome = AuditOutcome.REDACT;
            e.withheld = List.of("Patient/9000000017 address");
        }).build());
        s.put("deny-external-read", Entries.entry().with(e -> {
            e.requesterClass = "immigration-enforcement";
            e.purposeOfUse = "IMMIGENF";
            e.legalBasis = "IMMIGRATION-ADMIN";
            e.ruleId = "immigration-without-serious-crime-refused";
        }).notReleased(AuditOutcome.DENY, "DG-2101", 403).build());
        s.put("deny-external-search-before-upstream", Entries.entry().search().with(e -> e.patients = List.of())
                .notReleased(AuditOutcome.DENY, "DG-2102", 403).build());
        s.put("deny-external-search-naming-an-nhs-number", Entries.entry().search()
                .with(e -> e.patients = List.of("https://fhir.nhs.uk/Id/nhs-number|9000000009"))
                .notReleased(AuditOutcome.DENY, "DG-2101", 403).build());
        s.put("escalate-external-read", Entries.entry().with(e -> {
            e.reviewCase = "RC-2026-0007";
            e.ruleId = "police-escalate";
        }).notReleased(AuditOutcome.ESCALATE, "DG-2105", 403).build());
        s.put("permit-after-review", Entries.entry().with(e -> {
            e.reviewCase = "RC-2026-0007";
            e.reviewer = "Dr A. Guardian";
            e.requestId = "5b0c7f8e-1111-4d2a-9c3e-000000000002";
        }).build());
        s.put("refused-unauthenticated", Entries.entry().with(e -> {
            e.requesterId = "unauthenticated";
            e.organisation = "";
            e.requesterClass = "";
            e.credential = "";
            e.purposeOfUse = "";
            e.legalBasis = "";
            e.caseReference = "";
            e.requestingOfficer = "";
            e.ruleId = "";
            e.policyVersion = "";
            e.patients = List.of();
        }).notReleased(AuditOutcome.REFUSED, "DG-1301", 401).build());
        s.put("refused-write", Entries.entry().with(e -> {
            e.interaction = "create";
            e.ruleId = "";
            e.policyVersion = "";
            e.patients = List.of();
        }).notReleased(AuditOutcome.REFUSED, "DG-1202", 405).build());
        s.put("failed-external-read", Entries.entry().notReleased(AuditOutcome.FAILED, "DG-1001", 503).build());
        s.put("permit-internal-read", Entries.entry().internal().build());
        s.put("permit-internal-search", Entries.entry().internal().search().build());
        s.put("deny-internal-search", Entries.entry().internal().search()
                .notReleased(AuditOutcome.DENY, "DG-2101", 403).build());
        s.put("failed-internal-search", Entries.entry().internal().search().with(e -> e.patients = List.of())
                .notReleased(AuditOutcome.FAILED, "DG-1002", 504).build());
        s.put("permit-certificate-requester-no-patient", Entries.entry().with(e -> {
            e.credential = "sha256:0a1b2c";
            e.resourceType = "Practitioner";
            e.target = "Practitioner/p1";
            e.patients = List.of();
            e.released = List.of("Practitioner/p1");
        }).build());
        return s;
    }

    @TestFactory
    Stream<DynamicTest> everyEmittedAuditEvent_validatesAgainstItsBalpProfileWithoutErrors() {
        return scenarios().entrySet().stream().flatMap(s -> AuditEvents.from(s.getValue()).stream()
                .map(event -> dynamicTest(s.getKey() + " " + kind(event), () -> {
                    List<SingleValidationMessage> errors = BalpValidator.errors(BalpValidator.validate(event));
                    assertThat(errors).as("%s\n%s\n%s", s.getKey(), BalpValidator.describe(errors),
                            BalpValidator.FHIR.newJsonParser().setPrettyPrint(true).encodeResourceToString(event))
                            .isEmpty();
                })));
    }

    /** Seeded random entries: every outcome, interaction, patient count, credential kind and optional field. */
    @TestFactory
    Stream<DynamicTest> seed20261123_randomEntries_everyEventValidatesWithoutErrors() {
        java.util.Random random = new java.util.Random(20261123L);
        String[] interactions = {"read", "vread", "search-type", "search-system", "page", "create", "history"};
        String[] classes = {"police", "immigration-enforcement", "nhs-provider", "practice", "", "unknown-class"};
        String[] purposes = {"CRIMEPREV", "IMMIGENF", "TREAT", "PATRQT", "", "NOT-A-PURPOSE"};
        String[] bases = {"SERIOUS-CRIME", "COURT-ORDER", "", "NOT-A-BASIS"};
        String[] credentials = {"jti:abc", "sha256:0f0f", ""};
        List<DynamicTest> tests = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            int n = i;
            AuditOutcome outcome = AuditOutcome.values()[random.nextInt(AuditOutcome.values().length)];
            int patientCount = random.nextInt(4);
            Entries e = Entries.entry().with(x -> {
                x.requestId = "random-" + n;
                x.interaction = interactions[random.nextInt(interactions.length)];
                x.target = x.interaction.startsWith("search") ? "Patient?name=x" : "Patient/p" + n;
                x.internal = random.nextBoolean();
                x.requesterClass = classes[random.nextInt(classes.length)];
                x.purposeOfUse = purposes[random.nextInt(purposes.length)];
                x.legalBasis = bases[random.nextInt(bases.length)];
                x.credential = credentials[random.nextInt(credentials.length)];
                x.requestingOfficer = random.nextBoolean() ? "" : "Officer " + n;
                x.organisation = random.nextBoolean() ? "" : (random.nextBoolean() ? "A12345" : "Some Org <&>");
                x.instance = random.nextBoolean() ? "" : "guard-" + n;
                x.policyVersion = random.nextInt(5) == 0 ? "" : "sha256:" + n;
                x.ruleId = x.policyVersion.isEmpty() ? "" : "rule-" + n;
                x.reviewer = random.nextInt(4) == 0 ? "Dr R" : "";
                x.reviewCase = x.reviewer.isEmpty() ? "" : "RC-" + n;
                List<String> patients = new java.util.ArrayList<>();
                for (int p = 0; p < patientCount; p++) {
                    patients.add("p" + n + "-" + p);
                }
                x.patients = patients;
                x.released = patients.stream().map(id -> "Patient/" + id).toList();
                x.withheld = patients.isEmpty() ? List.of() : List.of("Patient/" + patients.get(0) + " Patient.address[0]");
                x.outcome = outcome;
            });
            if (!outcome.released()) {
                e.notReleased(outcome, "DG-2101", 403);
            }
            AuditEntry entry = e.build();
            for (AuditEvent event : AuditEvents.from(entry)) {
                tests.add(dynamicTest(entry.requestId() + " " + entry.outcome().code() + " " + entry.interaction()
                        + " " + kind(event), () -> {
                    List<SingleValidationMessage> errors = BalpValidator.errors(BalpValidator.validate(event));
                    assertThat(errors).as("%s\n%s", BalpValidator.describe(errors),
                            BalpValidator.FHIR.newJsonParser().setPrettyPrint(true).encodeResourceToString(event))
                            .isEmpty();
                }));
            }
        }
        return tests.stream();
    }

    @Test
    void externalRead_isPatientReadThenAuthZconsentThenPrivacyDisclosure() {
        List<AuditEvent> events = AuditEvents.from(Entries.entry().build());
        assertThat(events).extracting(AuditEventsTest::profile).containsExactly(
                FhirProfiles.BALP_PATIENT_READ, FhirProfiles.BALP_AUTHZ_CONSENT,
                FhirProfiles.BALP_PRIVACY_DISCLOSURE_SOURCE);
        AuditEvent disclosure = events.get(2);
        assertThat(disclosure.getType().getCode()).isEqualTo("110106");
        assertThat(disclosure.getSubtype()).extracting(Coding::getSystem, Coding::getCode)
                .contains(org.assertj.core.groups.Tuple.tuple(
                        "http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle", "disclose"));
        assertThat(disclosure.getEntity()).extracting(e -> e.getWhat().getReference())
                .contains("Patient/9000000009");
        assertThat(disclosure.getPurposeOfEventFirstRep().getCoding()).extracting(Coding::getCode)
                .containsExactly("CRIMEPREV", "GOV");
    }

    @Test
    void search_aboutTwoPatients_givesOneEventOfEachKindPerPatient_andKeepsEachPatientsRecordToItsOwnDisclosure() {
        List<AuditEvent> events = AuditEvents.from(Entries.entry().search().build());
        assertThat(events).extracting(AuditEventsTest::profile).containsExactly(
                FhirProfiles.BALP_PATIENT_QUERY, FhirProfiles.BALP_PATIENT_QUERY,
                FhirProfiles.BALP_AUTHZ_CONSENT, FhirProfiles.BALP_AUTHZ_CONSENT,
                FhirProfiles.BALP_PRIVACY_DISCLOSURE_SOURCE, FhirProfiles.BALP_PRIVACY_DISCLOSURE_SOURCE);
        assertThat(events.get(4).getEntity()).extracting(e -> e.getWhat().getReference())
                .contains("Patient/9000000009").doesNotContain("Patient/9000000017");
    }

    @Test
    void internalAccess_isNotADisclosure() {
        assertThat(AuditEvents.from(Entries.entry().internal().build()))
                .extracting(AuditEventsTest::profile)
                .containsExactly(FhirProfiles.BALP_PATIENT_READ, FhirProfiles.BALP_AUTHZ_CONSENT);
    }

    @Test
    void deniedRead_isRecordedAsAFailedInteraction_andADeniedDecision() {
        AuditEntry entry = scenarios().get("deny-external-read");
        List<AuditEvent> events = AuditEvents.from(entry);
        assertThat(events).hasSize(2);
        assertThat(events.get(0).getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
        assertThat(events.get(0).getMeta().getProfile()).as("BALP read events are for successes only").isEmpty();
        assertThat(profile(events.get(1))).isEqualTo(FhirProfiles.BALP_AUTHZ_CONSENT);
        assertThat(events.get(1).getOutcomeDesc())
                .contains("deny", "immigration-without-serious-crime-refused", "sha256:4f2a9c", "DG-2101");
    }

    @Test
    void ids_areStablePerRequestAndDistinctPerEvent() {
        AuditEntry entry = Entries.entry().search().build();
        List<String> first = AuditEvents.from(entry).stream().map(e -> e.getIdElement().getIdPart()).toList();
        List<String> again = AuditEvents.from(entry).stream().map(e -> e.getIdElement().getIdPart()).toList();
        assertThat(again).isEqualTo(first);
        assertThat(first).doesNotHaveDuplicates();
        List<String> other = AuditEvents.from(Entries.entry().search()
                .with(e -> e.requestId = "another-request").build())
                .stream().map(e -> e.getIdElement().getIdPart()).toList();
        assertThat(other).doesNotContainAnyElementsOf(first);
    }

    @Test
    void theValidator_checksTheBalpProfiles_aPatientReadWithoutItsPatientOrWithAFailureFails() {
        AuditEvent noPatient = AuditEvents.from(Entries.entry().build()).get(0);
        noPatient.getEntity().removeIf(e -> "1".equals(e.getType().getCode()));
        assertThat(BalpValidator.errors(BalpValidator.validate(noPatient))).isNotEmpty();

        AuditEvent failed = AuditEvents.from(Entries.entry().build()).get(0);
        failed.setOutcome(AuditEvent.AuditEventOutcome._8);
        assertThat(BalpValidator.errors(BalpValidator.validate(failed))).isNotEmpty();

        AuditEvent disclosureWithoutRecipient = AuditEvents.from(Entries.entry().build()).get(2);
        disclosureWithoutRecipient.getAgent().removeIf(a -> "110152".equals(a.getType().getCodingFirstRep().getCode()));
        assertThat(BalpValidator.errors(BalpValidator.validate(disclosureWithoutRecipient))).isNotEmpty();

        AuditEvent decisionWithAStrayEntity = AuditEvents.from(Entries.entry().build()).get(1);
        decisionWithAStrayEntity.addEntity().setWhat(new org.hl7.fhir.r4.model.Reference("Observation/x"));
        assertThat(BalpValidator.errors(BalpValidator.validate(decisionWithAStrayEntity)))
                .as("AuthZconsent's entity slicing is closed").isNotEmpty();
    }

    @Test
    void printsTheValidatorsRemainingMessagesForOneDisclosure() {
        AuditEvent disclosure = AuditEvents.from(Entries.entry().build()).get(2);
        var messages = BalpValidator.validate(disclosure).getMessages();
        System.out.println("Validator messages for a PrivacyDisclosure.Source event:\n" + BalpValidator.describe(messages));
        assertThat(BalpValidator.errors(BalpValidator.validate(disclosure))).isEmpty();
    }

    @Test
    void theRequestersCaseReference_isNotExported() {
        AuditEntry entry = Entries.entry().build();
        assertThat(entry.caseReference()).isEqualTo("OP-HARBOUR-17");
        for (AuditEvent event : AuditEvents.from(entry)) {
            assertThat(BalpValidator.FHIR.newJsonParser().encodeResourceToString(event)).doesNotContain("OP-HARBOUR");
        }
    }

    private static String profile(AuditEvent event) {
        List<CanonicalType> profiles = event.getMeta().getProfile();
        return profiles.isEmpty() ? "(none)" : profiles.get(0).getValue();
    }

    private static String kind(AuditEvent event) {
        String p = profile(event);
        return p.substring(p.lastIndexOf('/') + 1) + " " + event.getType().getCode();
    }
}
