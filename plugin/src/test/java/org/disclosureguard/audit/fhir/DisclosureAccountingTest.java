package org.disclosureguard.audit.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.AuditOutcome;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

class DisclosureAccountingTest {

    static final String PATIENT = "9000000009";
    static final DisclosureAccounting.Heading HEADING =
            new DisclosureAccounting.Heading("Riverside Surgery", "Jayne Smyth (NHS 900 000 0009)",
                    ZoneId.of("Europe/London"));

    /** One patient's year: a police disclosure with parts held back, a refused Home Office request, an approved
     *  escalation, a pending one, the practice's own access, and another patient's search hit. */
    static List<AuditEntry> year() {
        return List.of(
                Entries.entry().with(e -> {
                    e.requestId = "r1";
                    e.time = Instant.parse("2026-02-10T09:30:00Z");
                    e.outcome = AuditOutcome.REDACT;
                    e.withheld = List.of("Patient/9000000009 Patient.address[0]", "Patient/9000000009 Patient.telecom[1]",
                            "Patient/9000000009 Patient.extension('https://fhir.hl7.org.uk/StructureDefinition/"
                                    + "Extension-UKCore-Nationality')",
                            "Patient/9000000009 Patient.text");
                }).build(),
                Entries.entry().with(e -> {
                    e.requestId = "r2";
                    e.time = Instant.parse("2026-03-01T11:00:00Z");
                    e.organisation = "Home Office Immigration Enforcement";
                    e.requesterClass = "immigration-enforcement";
                    e.purposeOfUse = "IMMIGENF";
                    e.legalBasis = "IMMIGRATION-ADMIN";
                    e.ruleId = "immigration-without-serious-crime-refused";
                    e.patients = List.of();
                }).notReleased(AuditOutcome.DENY, "DG-2101", 403).build(),
                Entries.entry().with(e -> {
                    e.requestId = "r3";
                    e.time = Instant.parse("2026-04-02T08:00:00Z");
                    e.reviewCase = "RC-1";
                }).notReleased(AuditOutcome.ESCALATE, "DG-2105", 403).build(),
                Entries.entry().with(e -> {
                    e.requestId = "r4";
                    e.time = Instant.parse("2026-04-03T10:00:00Z");
                    e.reviewCase = "RC-1";
                    e.reviewer = "Dr Amira Guardian";
                }).build(),
                Entries.entry().with(e -> {
                    e.requestId = "r5";
                    e.time = Instant.parse("2026-05-05T10:00:00Z");
                    e.reviewCase = "RC-2";
                }).notReleased(AuditOutcome.ESCALATE, "DG-2105", 403).build(),
                Entries.entry().internal().with(e -> {
                    e.requestId = "r6";
                    e.time = Instant.parse("2026-05-06T10:00:00Z");
                }).build(),
                Entries.entry().search().with(e -> {
                    e.requestId = "r7";
                    e.time = Instant.parse("2026-06-01T10:00:00Z");
                    e.organisation = "St Elsewhere NHS Trust";
                    e.requesterClass = "nhs-provider";
                    e.purposeOfUse = "TREAT";
                    e.legalBasis = "DIRECT-CARE";
                }).build(),
                Entries.entry().with(e -> {
                    e.requestId = "r8";
                    e.patients = List.of("9000000017");
                    e.target = "Patient/9000000017";
                    e.released = List.of("Patient/9000000017");
                }).build());
    }

    @Test
    void bundle_isACollectionOfThisPatientsExternalEvents_eachValid() {
        Bundle bundle = DisclosureAccounting.bundle(PATIENT, year());
        assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.COLLECTION);
        List<AuditEvent> events = bundle.getEntry().stream().map(e -> (AuditEvent) e.getResource()).toList();
        String json = BalpValidator.FHIR.newJsonParser().encodeResourceToString(bundle);
        assertThat(json).doesNotContain("9000000017").doesNotContain("practice-loopback");
        // r1: 3 events, r2: 2, r3: 2, r4: 3, r5: 2, r7 (this patient's part only): 3
        assertThat(events).hasSize(15);
        assertThat(events).extracting(e -> e.getIdElement().getIdPart()).doesNotHaveDuplicates();
        for (AuditEvent event : events) {
            var errors = BalpValidator.errors(BalpValidator.validate(event));
            assertThat(errors).as(BalpValidator.describe(errors)).isEmpty();
        }
        assertThat(BalpValidator.errors(BalpValidator.validate(bundle))).isEmpty();
        assertThat(DisclosureAccounting.bundle(PATIENT, year()).getId()).isEqualTo(bundle.getId());
    }

    @Test
    void aSearchRefusedBeforeThePracticeServerWasAsked_isCountedByTheNhsNumberItNamed() {
        String nhs = "https://fhir.nhs.uk/Id/nhs-number|9000000009";
        List<AuditEntry> entries = List.of(Entries.entry().search().with(e -> {
            e.requestId = "fishing-1";
            e.patients = List.of(nhs);
            e.requesterClass = "benefits";
        }).notReleased(AuditOutcome.DENY, "DG-2101", 403).build());

        Bundle withIdentifier = DisclosureAccounting.bundle(PATIENT, java.util.Set.of(nhs), entries);
        Bundle withoutIdentifier = DisclosureAccounting.bundle(PATIENT, entries);

        assertThat(withoutIdentifier.getEntry()).isEmpty();
        assertThat(withIdentifier.getEntry()).isNotEmpty();
        for (Bundle.BundleEntryComponent entry : withIdentifier.getEntry()) {
            var errors = BalpValidator.errors(BalpValidator.validate(entry.getResource()));
            assertThat(errors).as(BalpValidator.describe(errors)).isEmpty();
        }
        assertThat(DisclosureAccounting.html(PATIENT, java.util.Set.of(nhs), entries,
                new DisclosureAccounting.Heading("Riverside Surgery", "Test Patient", java.time.ZoneId.of("Europe/London"))))
                .contains("refused");
    }

    @Test
    void page_listsDisclosuresThenRefusalsThenReviews_inPlainEnglish() {
        String html = DisclosureAccounting.html(PATIENT, year(), HEADING);
        int shared = html.indexOf("When your information was shared");
        int refused = html.indexOf("Requests that were refused");
        int reviewed = html.indexOf("Requests held for review");
        assertThat(shared).isPositive().isLessThan(refused);
        assertThat(refused).isLessThan(reviewed);

        String disclosures = html.substring(shared, refused);
        assertThat(disclosures)
                .contains("Metropolitan Police Service", "Police", "10 February 2026 at 09:30",
                        "Your personal details", "Address", "Phone numbers and email addresses", "Nationality",
                        "The record&#39;s summary text",
                        "Prevention or detection of crime", "Prevention or detection of serious crime",
                        "Dr Amira Guardian (reviewed)", "St Elsewhere NHS Trust", "Treatment", "Direct care")
                .doesNotContain("9000000017");
        assertThat(html.substring(refused, reviewed))
                .contains("Home Office Immigration Enforcement", "Immigration enforcement",
                        "Immigration administration", "Refused by a rule of the practice&#39;s disclosure policy", "DG-2101");
        assertThat(html.substring(reviewed))
                .contains("Approved by Dr Amira Guardian on 3 April 2026 at 11:00", "Still being reviewed");
        assertThat(html).contains("What the terms mean", "Immigration control where no serious crime").doesNotContain("practice-loopback");
        assertThat(html).doesNotContain("OP-HARBOUR").as("case references are the requester's, not the patient's");
    }

    @Test
    void page_forAPatientWithNothing_saysSoInEachSection() {
        String html = DisclosureAccounting.html("123", year(), HEADING);
        assertThat(html).contains("No information about you was shared", "No request for your information was refused",
                "No request for your information needed a review");
    }

    @Test
    void page_escapesHostileTextFromEveryEntryField_andLoadsNothing() {
        String hostile = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>&amp;";
        List<AuditEntry> entries = List.of(
                Entries.entry().with(e -> {
                    e.organisation = hostile;
                    e.reviewer = hostile;
                    e.reviewCase = "RC-9";
                    e.released = List.of("Patient/9000000009", "Observation/" + hostile);
                    e.withheld = List.of("Patient/9000000009 " + hostile);
                }).build(),
                Entries.entry().with(e -> {
                    e.organisation = hostile;
                    e.purposeOfUse = hostile;
                    e.legalBasis = hostile;
                    e.requesterClass = hostile;
                    e.time = Instant.parse("2026-03-04T10:00:00Z");
                }).notReleased(AuditOutcome.DENY, hostile, 403).build());
        String html = DisclosureAccounting.html(PATIENT, entries,
                new DisclosureAccounting.Heading(hostile, hostile, ZoneId.of("Europe/London")));
        assertThat(html).doesNotContain("<script", "<img", "onerror=alert(1)>", "\"><")
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&amp;amp;");
        assertThat(html).doesNotContainPattern("(?i)<(script|link|iframe|object|embed|img)\\b")
                .doesNotContainPattern("(?i)<[a-z][^>]*\\s(src|href|on[a-z]+)\\s*=")
                .doesNotContainPattern("(?i)url\\(\\s*['\"]?(https?:|//)")
                .contains("<style>");
    }

    @Test
    void blankPatient_isRefusedWithAClearMessage() {
        assertThatThrownBy(() -> DisclosureAccounting.html(" ", year(), HEADING))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("patientId");
    }
}
