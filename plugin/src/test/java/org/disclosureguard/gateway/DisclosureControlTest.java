package org.disclosureguard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.disclosureguard.identity.PartnerCaTrust;
import org.disclosureguard.identity.RequesterAuthenticator;
import org.disclosureguard.identity.RequesterRegistry;
import org.disclosureguard.labels.LabelConfiguration;
import org.disclosureguard.labels.TreeLabeller;
import org.disclosureguard.policy.Decision;
import org.disclosureguard.policy.Outcome;
import org.disclosureguard.policy.PolicyEngine;
import org.disclosureguard.policy.PolicyStore;
import org.disclosureguard.policy.ResourceFacts;
import org.disclosureguard.redaction.TreeRedactor;
import org.disclosureguard.testsupport.SignedTokens;
import org.junit.jupiter.api.Test;

/** Identity, request decision and per-resource release with a small registry and the shipped default policy. */
class DisclosureControlTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
    private static final String AUDIENCE = "https://guard.example.org/fhir";
    private static final KeyPair NHS = SignedTokens.ec();
    private static final KeyPair HOME_OFFICE = SignedTokens.ec();
    private static final Ed25519PrivateKeyParameters PUBLIC_HEALTH = SignedTokens.ed25519();
    private static final TreeLabeller LABELLER = new TreeLabeller(LabelConfiguration.defaults(FHIR));

    private final DisclosureControl control = new DisclosureControl(
            RequesterAuthenticator.builder(registry(), PartnerCaTrust.none())
                    .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build(),
            PolicyStore.of(PolicyEngine.defaults(), Clock.fixed(NOW, ZoneOffset.UTC)), new TreeRedactor(FHIR), AUDIENCE);

    private static RequesterRegistry registry() {
        String yaml = """
                version: 1
                requesters:
                  - id: trust
                    organisation: Test Trust
                    class: nhs-provider
                    token:
                      clientId: trust
                      keys:
                        - jwk: '%s'
                  - id: home-office
                    organisation: Test Home Office
                    class: immigration-enforcement
                    token:
                      clientId: home-office
                      keys:
                        - jwk: '%s'
                  - id: agency
                    organisation: Test Health Agency
                    class: public-health
                    token:
                      clientId: agency
                      keys:
                        - jwk: '%s'
                """.formatted(SignedTokens.publicJwk(NHS), SignedTokens.publicJwk(HOME_OFFICE),
                SignedTokens.publicJwk(PUBLIC_HEALTH));
        return RequesterRegistry.parse("requesters.yaml", yaml, Path.of("."));
    }

    // ---- who ----

    @Test
    void anonymousPlainLoopbackRequest_isThePracticeItself_andPermitted() {
        DisclosureControl.Admission admission = control.admit(read(Map.of()), DisclosureControl.Connection.plain("127.0.0.1"));

        assertThat(admission.internal()).isTrue();
        assertThat(admission.decision().outcome()).isEqualTo(Outcome.PERMIT);
        assertThat(admission.decision().ruleId()).isEqualTo("internal-requesters");
    }

    @Test
    void anonymousRequestFromAnotherAddress_isRefusedWithCredentialsRequired() {
        Refusal refusal = refusalOf(() -> control.admit(read(Map.of()), DisclosureControl.Connection.plain("10.1.2.3")));

        assertThat(refusal.status()).isEqualTo(401);
        assertThat(refusal.code()).isEqualTo("DG-1301");
        assertThat(refusal.headers()).containsEntry("WWW-Authenticate", "Bearer");
    }

    @Test
    void anonymousLoopbackRequestOverTls_isRefused() {
        Refusal refusal = refusalOf(() -> control.admit(read(Map.of()),
                new DisclosureControl.Connection(null, "127.0.0.1", true)));

        assertThat(refusal.code()).isEqualTo("DG-1301");
    }

    @Test
    void anonymousLoopbackRequestWithAForwardingHeader_isNotTreatedAsInternal() {
        Refusal refusal = refusalOf(() -> control.admit(read(Map.of("X-Forwarded-Host", "guard.example.org")),
                DisclosureControl.Connection.plain("127.0.0.1")));

        assertThat(refusal.status()).isEqualTo(401);
        assertThat(refusal.code()).isEqualTo("DG-1301");
    }

    @Test
    void forwardedForHeader_isRefusedByIdentityWithItsCode() {
        Refusal refusal = refusalOf(() -> control.admit(read(Map.of("X-Forwarded-For", "127.0.0.1")),
                DisclosureControl.Connection.plain("127.0.0.1")));

        assertThat(refusal.code()).isEqualTo("DG-3001");
        assertThat(refusal.status()).isEqualTo(403);
    }

    @Test
    void loopbackAddresses_areRecognised_andNamesAreNeverResolved() {
        assertThat(DisclosureControl.isLoopback("127.0.0.1")).isTrue();
        assertThat(DisclosureControl.isLoopback("127.255.0.9")).isTrue();
        assertThat(DisclosureControl.isLoopback("::1")).isTrue();
        assertThat(DisclosureControl.isLoopback("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(DisclosureControl.isLoopback("[::1]")).isTrue();
        assertThat(DisclosureControl.isLoopback("10.0.0.1")).isFalse();
        assertThat(DisclosureControl.isLoopback("128.0.0.1")).isFalse();
        assertThat(DisclosureControl.isLoopback("localhost")).isFalse();
        assertThat(DisclosureControl.isLoopback(null)).isFalse();
    }

    @Test
    void tokenForAnotherAudience_isRefusedWithItsIdentityCode() {
        String token = es256(NHS, claims("trust", "https://other.example.org/fhir").claim("purpose_of_use", "TREAT"));

        Refusal refusal = refusalOf(() -> control.admit(read(bearer(token)), DisclosureControl.Connection.plain("10.1.2.3")));

        assertThat(refusal.status()).isEqualTo(401);
        assertThat(refusal.code()).isEqualTo("DG-3206");
    }

    @Test
    void replayedToken_isRefusedTheSecondTime() {
        String token = es256(NHS, claims("trust", AUDIENCE).claim("purpose_of_use", "TREAT"));
        control.admit(read(bearer(token)), DisclosureControl.Connection.plain("10.1.2.3"));

        Refusal refusal = refusalOf(() -> control.admit(read(bearer(token)), DisclosureControl.Connection.plain("10.1.2.3")));

        assertThat(refusal.code()).isEqualTo("DG-3210");
    }

    // ---- decide before upstream ----

    @Test
    void immigrationWithoutSeriousCrimeBasis_isDeniedBeforeUpstream_withTheRuleInTheDecisionHeader() {
        String token = es256(HOME_OFFICE, claims("home-office", AUDIENCE).claim("purpose_of_use", "IMMIGENF")
                .claim("legal_basis", "IMMIGRATION-ADMIN").claim("case_reference", "HO-1")
                .claim("requesting_officer", "IO 1"));

        Refusal refusal = refusalOf(() -> control.admit(read(bearer(token)), DisclosureControl.Connection.plain("10.1.2.3")));

        assertThat(refusal.status()).isEqualTo(403);
        assertThat(refusal.code()).isEqualTo("DG-2101");
        assertThat(refusal.text()).contains("serious crime");
        assertThat(refusal.headers().get(DisclosureControl.DECISION_HEADER))
                .startsWith("immigration-without-serious-crime-refused; policy=sha256:");
    }

    @Test
    void immigrationForDeportationAfterSeriousCrime_isHeldForTheCaldicottGuardian() {
        String token = es256(HOME_OFFICE, claims("home-office", AUDIENCE).claim("purpose_of_use", "IMMIGENF")
                .claim("legal_basis", "DEPORT-SERIOUS-CRIME").claim("case_reference", "HO-DEP-1")
                .claim("requesting_officer", "IO 2231"));

        Refusal refusal = refusalOf(() -> control.admit(read(bearer(token)), DisclosureControl.Connection.plain("10.1.2.3")));

        assertThat(refusal.status()).isEqualTo(403);
        assertThat(refusal.code()).isEqualTo("DG-2105");
        assertThat(refusal.text()).contains("held for review", "caldicott-guardian", "nothing has been released");
    }

    @Test
    void nameSearchByAnOutsider_isRefused() {
        String token = es256(NHS, claims("trust", AUDIENCE).claim("purpose_of_use", "TREAT"));
        Map<String, String[]> params = Map.of("family", new String[] {"Smith"}, "_format", new String[] {"json"});
        ResponsePath.Inbound search = new ResponsePath.Inbound(ResponsePath.Interaction.SEARCH, "Patient", null, params,
                bearer(token), AUDIENCE, null);

        Refusal refusal = refusalOf(() -> control.admit(search, DisclosureControl.Connection.plain("10.1.2.3")));

        assertThat(refusal.code()).isEqualTo("DG-2101");
        assertThat(refusal.headers().get(DisclosureControl.DECISION_HEADER)).startsWith("external-search-protected-criteria;");
    }

    // ---- decide per resource ----

    @Test
    void directCareRead_getsTheLabelledPatient_withNoFurtherDisclosureAddedOnce() throws Exception {
        DisclosureControl.Admission admission = admitTrust();
        ObjectNode patient = labelledPatient("N");
        patient.withArray("/meta/security").addObject()
                .put("system", "http://terminology.hl7.org/CodeSystem/v3-ActCode").put("code", "NORDSCLCD");

        Decision decision = control.release(admission, ResponsePath.Interaction.READ, patient);

        assertThat(decision.outcome()).isEqualTo(Outcome.PERMIT);
        assertThat(decision.ruleId()).isEqualTo("direct-care");
        assertThat(securityCodes(patient)).containsOnlyOnce("NORDSCLCD").contains("N");
        assertThat(patient.at("/address/0/line/0").asText()).isEqualTo("1 Test Street");
    }

    @Test
    void publicHealthRead_withholdsWhereThePatientCanBeFound() throws Exception {
        String token = eddsa(PUBLIC_HEALTH, claims("agency", AUDIENCE).claim("purpose_of_use", "PUBHLTH")
                .claim("legal_basis", "PUBLIC-HEALTH-STATUTORY"));
        DisclosureControl.Admission admission =
                control.admit(read(bearer(token)), DisclosureControl.Connection.plain("10.1.2.3"));
        ObjectNode patient = labelledPatient("N");

        control.release(admission, ResponsePath.Interaction.READ, patient);

        assertThat(patient.has("address")).isFalse();
        assertThat(patient.has("telecom")).isFalse();
        assertThat(patient.toString()).doesNotContain("1 Test Street", "01234 567890");
        assertThat(securityCodes(patient)).contains("REDACTED", "NORDSCLCD");
        assertThat(patient.path("birthDate").asText()).isEqualTo("1970-01-01");
    }

    @Test
    void restrictedPatientReadForPlannedCare_isEscalated() throws Exception {
        DisclosureControl.Admission admission = admitTrust();
        ObjectNode patient = labelledPatient("R");

        Refusal refusal = refusalOf(() -> control.release(admission, ResponsePath.Interaction.READ, patient));

        assertThat(refusal.status()).isEqualTo(403);
        assertThat(refusal.code()).isEqualTo("DG-2105");
        assertThat(refusal.headers().get(DisclosureControl.DECISION_HEADER)).startsWith("restricted-record-escalated;");
    }

    @Test
    void searchForAnOutsider_dropsRestrictedEntries_andShowsNoTotalOrOtherLinks() throws Exception {
        DisclosureControl.Admission admission = admitTrust();
        ObjectNode bundle = bundle(labelledPatient("N"), labelledPatient("R"));

        control.release(admission, ResponsePath.Interaction.SEARCH, bundle);

        assertThat(bundle.path("entry")).hasSize(1);
        assertThat(securityCodes((ObjectNode) bundle.at("/entry/0/resource"))).contains("N", "NORDSCLCD");
        assertThat(bundle.has("total")).isFalse();
        List<String> relations = new ArrayList<>();
        bundle.path("link").forEach(link -> relations.add(link.path("relation").asText()));
        assertThat(relations).containsExactly("self", "next");
    }

    @Test
    void searchForThePractice_keepsTotalAndLinks() throws Exception {
        DisclosureControl.Admission admission = control.admit(read(Map.of()), DisclosureControl.Connection.plain("::1"));
        ObjectNode bundle = bundle(labelledPatient("N"), labelledPatient("R"));

        control.release(admission, ResponsePath.Interaction.SEARCH, bundle);

        assertThat(bundle.path("entry")).hasSize(2);
        assertThat(bundle.path("total").asInt()).isEqualTo(2);
        assertThat(bundle.path("link")).hasSize(3);
    }

    @Test
    void outsidersReadOfARestrictedPatientsEncounter_isEscalated_throughThePatientsMark() throws Exception {
        DisclosureControl.Admission admission = admitTrust();
        ObjectNode encounter = (ObjectNode) JSON.readTree("{\"resourceType\":\"Encounter\",\"id\":\"e1\","
                + "\"meta\":{\"security\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-Confidentiality\","
                + "\"code\":\"N\"}]},\"status\":\"finished\",\"subject\":{\"reference\":\"Patient/p-25\"}}");

        assertThat(DisclosureControl.needsPatientMark(admission, encounter)).isTrue();
        assertThat(DisclosureControl.patientId(encounter)).isEqualTo("p-25");
        Refusal refusal = refusalOf(() -> control.release(admission, ResponsePath.Interaction.READ, encounter,
                org.disclosureguard.labels.Confidentiality.R));
        Decision normal = control.release(admission, ResponsePath.Interaction.READ, encounter.deepCopy(),
                org.disclosureguard.labels.Confidentiality.N);

        assertThat(refusal.code()).isEqualTo("DG-2105");
        assertThat(normal.outcome()).isEqualTo(Outcome.PERMIT);
    }

    @Test
    void thePracticesOwnReads_needNoPatientMark() throws Exception {
        DisclosureControl.Admission admission = control.admit(read(Map.of()), DisclosureControl.Connection.plain("127.0.0.1"));
        ObjectNode encounter = (ObjectNode) JSON.readTree(
                "{\"resourceType\":\"Encounter\",\"id\":\"e1\",\"subject\":{\"reference\":\"Patient/p-25\"}}");

        assertThat(DisclosureControl.needsPatientMark(admission, encounter)).isFalse();
        assertThat(DisclosureControl.patientId((ObjectNode) JSON.readTree(
                "{\"resourceType\":\"Encounter\",\"subject\":{\"reference\":\"http://x/Patient/1\"}}"))).isNull();
    }

    @Test
    void facts_markPatientCompartment_andFailClosedOnAnUnknownConfidentiality() throws Exception {
        ObjectNode observation = (ObjectNode) JSON.readTree(
                "{\"resourceType\":\"Observation\",\"id\":\"o1\",\"subject\":{\"reference\":\"Patient/1\"}}");
        ObjectNode organisation = (ObjectNode) JSON.readTree(
                "{\"resourceType\":\"Organization\",\"id\":\"x\",\"meta\":{\"security\":[{\"system\":"
                        + "\"http://terminology.hl7.org/CodeSystem/v3-Confidentiality\",\"code\":\"XX\"}]}}");

        ResourceFacts observationFacts = DisclosureControl.facts(observation);
        ResourceFacts organisationFacts = DisclosureControl.facts(organisation);
        ResourceFacts patientFacts = DisclosureControl.facts(labelledPatient("N"));

        assertThat(observationFacts.patientCompartment()).isTrue();
        assertThat(observationFacts.confidentiality().code()).isEqualTo("N");
        assertThat(organisationFacts.patientCompartment()).isFalse();
        assertThat(organisationFacts.confidentiality().code()).isEqualTo("V");
        assertThat(patientFacts.labels()).extracting(l -> l.code()).contains("LOCIS", "DOB");
    }

    // ---- helpers ----

    private DisclosureControl.Admission admitTrust() {
        String token = es256(NHS, claims("trust", AUDIENCE).claim("purpose_of_use", "TREAT"));
        return control.admit(read(bearer(token)), DisclosureControl.Connection.plain("10.1.2.3"));
    }

    private static Refusal refusalOf(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        Refusal refusal = catchThrowableOfType(Refusal.class, call);
        assertThat(refusal).as("refusal").isNotNull();
        return refusal;
    }

    private static ResponsePath.Inbound read(Map<String, String> headers) {
        return new ResponsePath.Inbound(ResponsePath.Interaction.READ, "Patient", "9000000009", Map.of(),
                new LinkedHashMap<>(headers), AUDIENCE, null);
    }

    private static ObjectNode labelledPatient(String confidentiality) throws Exception {
        ObjectNode patient = (ObjectNode) JSON.readTree("""
                {"resourceType":"Patient","id":"p-%s",
                 "meta":{"security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-Confidentiality","code":"%s"}]},
                 "identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9000000009"}],
                 "name":[{"family":"Smith","given":["Jane"]}],
                 "telecom":[{"system":"phone","value":"01234 567890"}],
                 "birthDate":"1970-01-01",
                 "address":[{"line":["1 Test Street"],"postalCode":"LS1 1AA"}]}
                """.formatted(UUID.randomUUID().toString().substring(0, 8), confidentiality));
        LABELLER.label(patient);
        return patient;
    }

    private static ObjectNode bundle(ObjectNode... resources) {
        ObjectNode bundle = JSON.createObjectNode();
        bundle.put("resourceType", "Bundle").put("type", "searchset").put("total", resources.length);
        bundle.putArray("link").addObject().put("relation", "self").put("url", "http://g/fhir/Patient");
        bundle.withArray("link").addObject().put("relation", "next").put("url", "http://g/fhir?_getpages=x");
        bundle.withArray("link").addObject().put("relation", "last").put("url", "http://g/fhir?_getpages=y");
        for (ObjectNode resource : resources) {
            bundle.withArray("entry").addObject().set("resource", resource);
        }
        return bundle;
    }

    private static List<String> securityCodes(ObjectNode resource) {
        List<String> codes = new ArrayList<>();
        for (JsonNode coding : resource.path("meta").path("security")) {
            codes.add(coding.path("code").asText());
        }
        return codes;
    }

    private static Map<String, String> bearer(String token) {
        Map<String, String> headers = new HashMap<>();
        headers.put("Authorization", "Bearer " + token);
        return headers;
    }

    private static JWTClaimsSet.Builder claims(String clientId, String audience) {
        return SignedTokens.claims(clientId, audience, NOW);
    }

    private static String es256(KeyPair pair, JWTClaimsSet.Builder claims) {
        return SignedTokens.es256(pair, claims);
    }

    private static String eddsa(Ed25519PrivateKeyParameters key, JWTClaimsSet.Builder claims) {
        return SignedTokens.eddsa(key, claims);
    }
}
