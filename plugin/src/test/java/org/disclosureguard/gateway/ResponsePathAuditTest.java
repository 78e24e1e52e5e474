package org.disclosureguard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.AuditOutcome;
import org.disclosureguard.identity.PartnerCaTrust;
import org.disclosureguard.identity.RequesterAuthenticator;
import org.disclosureguard.identity.RequesterRegistry;
import org.disclosureguard.labels.LabelConfiguration;
import org.disclosureguard.labels.TreeLabeller;
import org.disclosureguard.policy.PolicyEngine;
import org.disclosureguard.policy.PolicyStore;
import org.disclosureguard.redaction.TreeRedactor;
import org.disclosureguard.testsupport.SignedTokens;
import org.disclosureguard.upstream.UpstreamClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every answer of the response path is recorded first: the audit entry says who asked, what was decided and what
 * left, with the hash of the released bytes; and when the entry cannot be committed, nothing is released.
 */
class ResponsePathAuditTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final Instant NOW = Instant.now();
    private static final String BASE = "https://guard.example.org/fhir";
    private static final KeyPair HOME_OFFICE = SignedTokens.ec();
    private static final KeyPair AGENCY = SignedTokens.ec();
    private static final WireMockServer UPSTREAM = new WireMockServer(wireMockConfig().dynamicPort()
            .bindAddress("127.0.0.1"));

    private final List<AuditEntry> recorded = new ArrayList<>();
    private final List<List<PatientOnRecord>> told = new ArrayList<>();
    private RuntimeException auditFailure;
    private String canary;
    private ResponsePath path;

    @BeforeAll
    static void start() {
        UPSTREAM.start();
    }

    @AfterAll
    static void stop() {
        UPSTREAM.stop();
    }

    @BeforeEach
    void setUp() {
        UPSTREAM.resetAll();
        canary = "Cnry" + UUID.randomUUID().toString().replace("-", "");
        UPSTREAM.stubFor(get(urlPathEqualTo("/fhir/Patient/p1")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/fhir+json")
                .withBody("""
                        {"resourceType":"Patient","id":"p1","name":[{"family":"Okafor"}],
                         "identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9449306613"}],
                         "generalPractitioner":[{"reference":"Practitioner/gp-7"}],
                         "address":[{"line":["%s"],"postalCode":"LS1 4AP"}],"birthDate":"1980-02-01"}
                        """.formatted(canary))));
        RequesterAuthenticator authenticator = RequesterAuthenticator.builder(registry(), PartnerCaTrust.none())
                .build();
        DisclosureControl control = new DisclosureControl(authenticator,
                PolicyStore.of(PolicyEngine.defaults(), Clock.systemUTC()), new TreeRedactor(FHIR), BASE);
        UpstreamClient upstream = new UpstreamClient(URI.create(UPSTREAM.baseUrl() + "/fhir"), Duration.ofSeconds(2),
                Duration.ofSeconds(5), 1 << 20);
        path = new ResponsePath(upstream, new TreeLabeller(LabelConfiguration.defaults(FHIR)), new FhirJson(),
                control, (entry, patients, alsoWrite) -> {
                    if (auditFailure != null) {
                        throw auditFailure;
                    }
                    recorded.add(entry);
                    told.add(patients);
                }, "guard-test-1", Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void internalRead_isRecordedWithWhatLeftAndTheHashOfTheBytes() throws Exception {
        ResponsePath.Outbound answer = path.handle(read(Map.of(), "127.0.0.1"));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(recorded).hasSize(1);
        AuditEntry entry = recorded.get(0);
        assertThat(entry.requesterId()).isEqualTo(DisclosureControl.INTERNAL_ID);
        assertThat(entry.internal()).isTrue();
        assertThat(entry.outcome()).isEqualTo(AuditOutcome.PERMIT);
        assertThat(entry.ruleId()).isEqualTo("internal-requesters");
        assertThat(entry.policyVersion()).startsWith("sha256:");
        assertThat(entry.released()).containsExactly("Patient/p1");
        assertThat(entry.patients()).containsExactly("p1");
        assertThat(entry.labels()).anyMatch(l -> l.endsWith("|PROCESSINLINELABEL"));
        assertThat(entry.responseSha256()).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(answer.body())));
        assertThat(entry.target()).isEqualTo("Patient/p1");
        assertThat(entry.interaction()).isEqualTo("read");
        assertThat(entry.instance()).isEqualTo("guard-test-1");
        assertThat(entry.time().toEpochMilli()).isEqualTo(NOW.toEpochMilli());
        assertThat(answer.headers()).containsEntry(ResponsePath.REQUEST_ID_HEADER, entry.requestId());
        assertThat(entry.disclosure()).isFalse();
    }

    @Test
    void whenTheEntryCannotBeCommitted_nothingIsReleased() {
        auditFailure = new IllegalStateException("database down at db.practice.local");

        ResponsePath.Outbound answer = path.handle(read(Map.of(), "127.0.0.1"));

        String body = new String(answer.body(), StandardCharsets.UTF_8);
        assertThat(answer.status()).isEqualTo(503);
        assertThat(body).contains("DG-1503").doesNotContain(canary).doesNotContain("Okafor")
                .doesNotContain("db.practice.local");
        assertThat(answer.headers().toString()).doesNotContain(canary);
        assertThat(recorded).isEmpty();
    }

    @Test
    void redactedDisclosure_recordsTheRequesterTheClaimsAndEveryWithheldElement() {
        String token = SignedTokens.es256(AGENCY, SignedTokens.claims("agency", BASE, Instant.now())
                .claim("purpose_of_use", "PUBHLTH").claim("legal_basis", "PUBLIC-HEALTH-STATUTORY"));

        ResponsePath.Outbound answer = path.handle(read(Map.of("Authorization", "Bearer " + token), "10.0.0.8"));

        assertThat(answer.status()).isEqualTo(200);
        AuditEntry entry = recorded.get(0);
        assertThat(entry.outcome()).isEqualTo(AuditOutcome.REDACT);
        assertThat(entry.requesterId()).isEqualTo("agency");
        assertThat(entry.requesterClass()).isEqualTo("public-health");
        assertThat(entry.purposeOfUse()).isEqualTo("PUBHLTH");
        assertThat(entry.legalBasis()).isEqualTo("PUBLIC-HEALTH-STATUTORY");
        assertThat(entry.credential()).startsWith("jti:");
        assertThat(entry.ruleId()).isEqualTo("public-health");
        assertThat(entry.withheld()).anyMatch(w -> w.startsWith("Patient/p1 Patient.address"));
        assertThat(entry.labels()).anyMatch(l -> l.endsWith("|REDACTED")).anyMatch(l -> l.endsWith("|NORDSCLCD"));
        assertThat(entry.disclosure()).isTrue();
        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).doesNotContain(canary)
                .doesNotContain("Practitioner/gp-7");
        assertThat(told.get(0)).as("the clinician is known though the GP was withheld from the requester")
                .containsExactly(new PatientOnRecord("p1", "Practitioner/gp-7", "9449306613"));
    }

    @Test
    void policyRefusal_isRecordedWithItsRuleAndThePatientAskedFor_andNothingReleased() {
        String token = SignedTokens.es256(HOME_OFFICE, SignedTokens.claims("home-office", BASE, Instant.now())
                .claim("purpose_of_use", "IMMIGENF").claim("legal_basis", "IMMIGRATION-ADMIN")
                .claim("case_reference", "HO-1").claim("requesting_officer", "IO 1"));

        ResponsePath.Outbound answer = path.handle(read(Map.of("Authorization", "Bearer " + token), "10.0.0.9"));

        assertThat(answer.status()).isEqualTo(403);
        AuditEntry entry = recorded.get(0);
        assertThat(entry.outcome()).isEqualTo(AuditOutcome.DENY);
        assertThat(entry.code()).isEqualTo("DG-2101");
        assertThat(entry.ruleId()).isEqualTo("immigration-without-serious-crime-refused");
        assertThat(entry.caseReference()).isEqualTo("HO-1");
        assertThat(entry.patients()).containsExactly("p1");
        assertThat(entry.released()).isEmpty();
        assertThat(entry.responseSha256()).isEmpty();
        assertThat(entry.disclosure()).isFalse();
        assertThat(told.get(0)).isEmpty();
        UPSTREAM.verify(0, com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.anyUrl()));
    }

    @Test
    void refusedSearchByNhsNumber_recordsTheNumberItNamed_soThePatientsAccountingShowsIt() {
        String token = SignedTokens.es256(HOME_OFFICE, SignedTokens.claims("home-office", BASE, Instant.now())
                .claim("purpose_of_use", "IMMIGENF").claim("legal_basis", "IMMIGRATION-ADMIN")
                .claim("case_reference", "HO-1").claim("requesting_officer", "IO 1"));
        Map<String, String[]> query = Map.of("identifier", new String[] {"https://fhir.nhs.uk/Id/nhs-number|9000000009"},
                "birthdate", new String[] {"2010-10-22"});

        ResponsePath.Outbound answer = path.handle(new ResponsePath.Inbound(ResponsePath.Interaction.SEARCH, "Patient",
                null, query, new LinkedHashMap<>(Map.of("Authorization", "Bearer " + token)), BASE,
                DisclosureControl.Connection.plain("10.0.0.9")));

        assertThat(answer.status()).isEqualTo(403);
        AuditEntry entry = recorded.get(0);
        assertThat(entry.patients()).containsExactly("https://fhir.nhs.uk/Id/nhs-number|9000000009");
        assertThat(entry.target()).startsWith("Patient?").contains("nhs-number");
        assertThat(entry.interaction()).isEqualTo("search-type");
    }

    @Test
    void requestWithoutCredentialsFromOutside_isRecordedAsRefusedAndUnauthenticated() {
        ResponsePath.Outbound answer = path.handle(read(Map.of(), "10.0.0.10"));

        assertThat(answer.status()).isEqualTo(401);
        AuditEntry entry = recorded.get(0);
        assertThat(entry.outcome()).isEqualTo(AuditOutcome.REFUSED);
        assertThat(entry.requesterId()).isEqualTo("unauthenticated");
        assertThat(entry.code()).isEqualTo("DG-1301");
    }

    @Test
    void upstreamFailure_isRecordedAsFailed() {
        UPSTREAM.stubFor(get(urlPathEqualTo("/fhir/Patient/p1")).willReturn(aResponse().withStatus(500)));

        ResponsePath.Outbound answer = path.handle(read(Map.of(), "127.0.0.1"));

        assertThat(answer.status()).isEqualTo(502);
        AuditEntry entry = recorded.get(0);
        assertThat(entry.outcome()).isEqualTo(AuditOutcome.FAILED);
        assertThat(entry.code()).isEqualTo("DG-1003");
        assertThat(entry.released()).isEmpty();
    }

    private static ResponsePath.Inbound read(Map<String, String> headers, String remoteAddress) {
        return new ResponsePath.Inbound(ResponsePath.Interaction.READ, "Patient", "p1", Map.of(),
                new LinkedHashMap<>(headers), BASE, DisclosureControl.Connection.plain(remoteAddress));
    }

    private static RequesterRegistry registry() {
        return RequesterRegistry.parse("requesters.yaml", """
                version: 1
                requesters:
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
                """.formatted(SignedTokens.publicJwk(HOME_OFFICE), SignedTokens.publicJwk(AGENCY)), Path.of("."));
    }

    @Test
    void anApprovedRelease_isDecidedAgainOnTheFreshRecord_andAResourceTheCurrentPolicyDeniesIsNotReleased()
            throws Exception {
        String policy = new String(PolicyEngine.defaultPolicyBytes(), StandardCharsets.UTF_8).replace("rules:\n",
                "rules:\n  - id: very-restricted-never\n    stage: resource\n"
                        + "    when: resource.confidentiality == 'V'\n    then: deny\n"
                        + "    reason: Very restricted records are never released.\n");
        PolicyEngine engine = PolicyEngine.compile("policy.yaml", policy.getBytes(StandardCharsets.UTF_8));
        org.disclosureguard.policy.RequestContext context = new org.disclosureguard.policy.RequestContext(
                new org.disclosureguard.policy.Requester("home-office", "Test Home Office", "immigration-enforcement",
                        false), "IMMIGENF", "DEPORT-SERIOUS-CRIME", "HO-1", "IO 1",
                org.disclosureguard.policy.Interaction.READ, "Patient", Map.of());
        org.disclosureguard.policy.Decision held = engine.decideRequest(context);
        assertThat(held.outcome()).isEqualTo(org.disclosureguard.policy.Outcome.ESCALATE);
        List<String> released = new ArrayList<>();
        HeldRequests approvedCase = new HeldRequests() {
            @Override
            public Hold hold(org.disclosureguard.policy.RequestContext c, org.disclosureguard.policy.Decision d,
                    String resourceId, String patientId, String auditRequestId) {
                throw new AssertionError("not held here");
            }

            @Override
            public java.util.Optional<State> state(String caseId, String requesterId) {
                return java.util.Optional.of(new State.Approved(context, caseId,
                        held.redaction(), held.obligations(), "cg-anne", held));
            }

            @Override
            public org.disclosureguard.audit.TransactionalWrite withdraw(String caseId, String requesterId) {
                throw new AssertionError("not withdrawn here");
            }

            @Override
            public org.disclosureguard.audit.TransactionalWrite answer(String caseId, String requesterId,
                    String answer) {
                throw new AssertionError("not answered here");
            }

            @Override
            public org.disclosureguard.audit.TransactionalWrite released(String caseId, String auditRequestId) {
                released.add(caseId);
                return (connection, seq) -> { };
            }
        };
        for (String id : List.of("p-n", "p-v")) {
            UPSTREAM.stubFor(get(urlPathEqualTo("/fhir/Patient/" + id)).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "application/fhir+json").withBody("""
                            {"resourceType":"Patient","id":"%s","meta":{"security":[{"system":
                             "http://terminology.hl7.org/CodeSystem/v3-Confidentiality","code":"%s"}]},
                             "name":[{"family":"Okafor"}],"address":[{"line":["%s"]}]}
                            """.formatted(id, id.equals("p-v") ? "V" : "N", canary))));
        }
        DisclosureControl control = new DisclosureControl(RequesterAuthenticator.builder(registry(),
                PartnerCaTrust.none()).build(), PolicyStore.of(engine, Clock.systemUTC()), new TreeRedactor(FHIR), BASE);
        ResponsePath path = new ResponsePath(new UpstreamClient(URI.create(UPSTREAM.baseUrl() + "/fhir"),
                Duration.ofSeconds(2), Duration.ofSeconds(5), 1 << 20),
                new TreeLabeller(LabelConfiguration.defaults(FHIR)), new FhirJson(), control,
                (entry, patients, alsoWrite) -> recorded.add(entry), approvedCase, "guard-test-1", Clock.systemUTC());
        Map<String, String> headers = new LinkedHashMap<>(Map.of("Authorization", "Bearer " + SignedTokens.es256(
                HOME_OFFICE, SignedTokens.claims("home-office", BASE, Instant.now()).claim("purpose_of_use", "IMMIGENF")
                        .claim("legal_basis", "DEPORT-SERIOUS-CRIME").claim("case_reference", "HO-1")
                        .claim("requesting_officer", "IO 1"))));

        ResponsePath.Outbound normal = path.poll("p-n", headers, BASE, DisclosureControl.Connection.plain("10.0.0.9"));
        headers.put("Authorization", "Bearer " + SignedTokens.es256(HOME_OFFICE, SignedTokens.claims("home-office",
                BASE, Instant.now()).claim("purpose_of_use", "IMMIGENF").claim("legal_basis", "DEPORT-SERIOUS-CRIME")
                .claim("case_reference", "HO-1").claim("requesting_officer", "IO 1")));
        ResponsePath.Outbound veryRestricted = path.poll("p-v", headers, BASE,
                DisclosureControl.Connection.plain("10.0.0.9"));

        String releasedBody = new String(normal.body(), StandardCharsets.UTF_8);
        assertThat(normal.status()).isEqualTo(200);
        assertThat(releasedBody).contains("\"200 OK\"").contains("Okafor").doesNotContain(canary);
        String refusedBody = new String(veryRestricted.body(), StandardCharsets.UTF_8);
        assertThat(refusedBody).contains("403 Forbidden").contains("Very restricted records are never released")
                .doesNotContain("Okafor").doesNotContain(canary);
        assertThat(released).as("only the released case is marked released").containsExactly("p-n");
    }
}
