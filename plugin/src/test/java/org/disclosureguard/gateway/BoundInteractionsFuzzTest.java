package org.disclosureguard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import com.code_intelligence.jazzer.junit.FuzzTest;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.identity.PartnerCaTrust;
import org.disclosureguard.identity.RequesterAuthenticator;
import org.disclosureguard.identity.RequesterRegistry;
import org.disclosureguard.labels.LabelConfiguration;
import org.disclosureguard.labels.TreeLabeller;
import org.disclosureguard.policy.PolicyEngine;
import org.disclosureguard.policy.PolicyStore;
import org.disclosureguard.redaction.TreeRedactor;
import org.disclosureguard.upstream.UpstreamClient;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockServletConfig;

/**
 * Fuzzes the allow-list matcher: the guard's HAPI server ({@link GuardRestfulServer}: HAPI's router over
 * {@link BoundInteractions} and {@link ReviewPoll}, then {@link ResponsePathInterceptor} and
 * {@link GuardServerInterceptor}) with arbitrary request lines, in process, from an outside address without
 * credentials, so that every interaction the guard takes up ends at identification (401 DG-1301) and nothing is
 * fetched. The oracle reads the audit entry of each answer, that is what the guard understood the request to be:
 * a read is a GET or HEAD of a bound type by id, never of a version; a search is a GET or POST of a bound type; the
 * {@code $review} poll is a GET, the withdrawal a DELETE and the answer to a reviewer's question a POST; no other
 * method reaches any of them. Everything else is
 * a 4xx OperationOutcome of the guard (DG-1202 not offered, DG-1205 unreadable, DG-1201 not JSON), recorded as
 * refused with nothing released (the CapabilityStatement aside), and never a 5xx, but for methods HAPI does not
 * serve at all, which the servlet answers 501 with no content before any routing ({@code BypassIT} shows the guard
 * turns that into an OperationOutcome); and no exception escapes the servlet. Reads and searches are of the bound
 * types only. Seeds in {@code BoundInteractionsFuzzTestInputs/}; see {@code docs/security-testing.md}.
 */
class BoundInteractionsFuzzTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final Set<String> BOUND = Set.of("Patient", "RelatedPerson", "Practitioner");
    private static final Set<String> HAPI_METHODS =
            Arrays.stream(RequestTypeEnum.values()).map(Enum::name).collect(Collectors.toSet());
    private static final Set<String> TAKEN_UP = Set.of("read", "search-type", "page", "delete", "operation");

    /** One server for every input (built once: the policy compiles its conditions); inputs run one at a time. */
    private static final List<AuditEntry> RECORDED = new ArrayList<>();
    private static final Routed ROUTED = new Routed();
    private static final GuardRestfulServer SERVER = server();

    /** What HAPI's router matched, noted before the guard's own hook answers the request. */
    @Interceptor
    public static final class Routed {
        RestOperationTypeEnum operation;
        boolean versioned;

        @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = -1000)
        public boolean capture(RequestDetails request) {
            operation = request.getRestOperationType();
            versioned = request.getId() != null && request.getId().hasVersionIdPart();
            return true;
        }
    }

    /**
     * One request line, {@code METHOD path?query} in UTF-8 with the path relative to the FHIR base, as a requester
     * could send it (the seeds are requests of {@code BypassIT}).
     */
    @FuzzTest(maxDuration = "5m")
    void router_letsThroughOnlyBoundInteractions(byte[] input) throws ServletException, IOException {
        String line = new String(input, StandardCharsets.UTF_8);
        int space = line.indexOf(' ');
        String method = space < 0 ? "GET" : line.substring(0, space);
        String target = space < 0 ? line : line.substring(space + 1);
        if (method.isEmpty() || !method.chars().allMatch(c -> c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z')) {
            return;
        }
        int question = target.indexOf('?');
        String path = question < 0 ? target : target.substring(0, question);
        String query = question < 0 ? "" : target.substring(question + 1);

        Answer answer = send(method, path, query);

        if (!HAPI_METHODS.contains(method)) {
            assertThat(answer.status()).isEqualTo(501);
            assertThat(answer.body()).isEmpty();
            assertThat(RECORDED).isEmpty();
            return;
        }
        if (answer.status() < 400) {
            assertThat(ROUTED.operation).as("%s %s answered %d", method, path, answer.status())
                    .isEqualTo(RestOperationTypeEnum.METADATA);
            assertThat(answer.body()).contains("\"CapabilityStatement\"");
            assertThat(RECORDED).isEmpty();
            return;
        }
        assertThat(answer.status()).as("status for %s /fhir/%s?%s: %s", method, path, query, answer.body())
                .isBetween(400, 499);
        if (!method.equals("HEAD")) {
            assertThat(answer.body()).as("answer to %s %s", method, path).contains("\"OperationOutcome\"");
        }
        assertThat(RECORDED).as("audit entries for %s %s", method, path).hasSize(1);
        AuditEntry entry = RECORDED.get(0);
        assertThat(entry.released()).isEmpty();
        assertThat(entry.outcome().released()).isFalse();
        if (!"DG-1301".equals(entry.code())) {
            assertThat(entry.code()).as("refusal of %s %s", method, path).isIn("DG-1201", "DG-1202", "DG-1205");
            return;
        }
        // Taken up as one of the guard's interactions: which one, and by which method.
        String interaction = entry.interaction();
        assertThat(interaction).as("%s %s taken up as", method, path).isIn(TAKEN_UP);
        boolean review = entry.target().startsWith(ResponsePath.REVIEW_OPERATION);
        if (interaction.equals("read") && review) {
            assertThat(method).as("method of a poll").isEqualTo("GET");
        } else if (interaction.equals("read")) {
            assertThat(method).as("method of a read of %s", path).isIn("GET", "HEAD");
            assertThat(entry.resourceType()).isIn(BOUND);
            assertThat(ROUTED.operation).isEqualTo(RestOperationTypeEnum.READ);
            assertThat(ROUTED.versioned).as("a versioned read (vread) of %s", path).isFalse();
        } else if (interaction.equals("search-type")) {
            assertThat(method).as("method of a search %s", path).isIn("GET", "POST");
            assertThat(entry.resourceType()).isIn(BOUND);
        } else if (interaction.equals("page")) {
            assertThat(method).as("method of a page %s", path).isIn("GET", "POST");
        } else if (interaction.equals("operation")) {
            assertThat(method).as("method of an answer to a reviewer's question").isEqualTo("POST");
            assertThat(review).isTrue();
        } else {
            assertThat(method).as("method of a withdrawal").isEqualTo("DELETE");
            assertThat(review).isTrue();
        }
    }

    /** A DELETE that HAPI routes to {@code $review} but that missed the withdrawal is not answered as a poll. */
    @Test
    void deleteRoutedToTheReviewOperation_isNotAPoll() throws ServletException, IOException {
        for (String path : List.of("$review/", "$revi\u0019\u0019ew")) {
            Answer answer = send("DELETE", path, "case=c-1");

            assertThat(answer.status()).as("DELETE %s", path).isEqualTo(400);
            assertThat(answer.body()).contains("DG-1202");
            assertThat(RECORDED).hasSize(1);
            assertThat(RECORDED.get(0).code()).isEqualTo("DG-1202");
            assertThat(RECORDED.get(0).interaction()).isEqualTo("delete");
        }
        Answer poll = send("GET", "$review", "case=c-1");
        assertThat(poll.status()).isEqualTo(401);
        assertThat(RECORDED.get(0).target()).isEqualTo("$review?case=c-1");
    }

    /**
     * An unroutable path holding a NUL, asking for XML: the guard answers, and HAPI's own handling afterwards (which
     * encodes the routing error in XML) does not fail on the NUL and throw out of the servlet.
     */
    @Test
    void unroutablePathWithANul_askingForXml_isAnsweredWithoutAnErrorEscaping() throws ServletException, IOException {
        Answer answer = send("GET", "Pat\u0000ient/dg-1/_history/1/x/y", "_format=xml");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).contains("DG-1202");
        assertThat(RECORDED).hasSize(1);
        assertThat(GuardServerInterceptor.printable("Patient\u0000/\n\u00e9x")).isEqualTo("Patient?/??x");
    }

    /** HAPI also routes reads of the OperationDefinitions it serves itself: not a bound type, so not offered. */
    @Test
    void readOfATypeHapiServesItself_isNotOffered() throws ServletException, IOException {
        Answer answer = send("GET", "OperationDefinition/d-bypass-1", "");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).contains("DG-1202");
        assertThat(RECORDED).hasSize(1);
        assertThat(RECORDED.get(0).code()).isEqualTo("DG-1202");
        assertThat(RECORDED.get(0).resourceType()).isEqualTo("OperationDefinition");
    }

    private record Answer(int status, String body) {}

    private static Answer send(String method, String path, String query) throws ServletException, IOException {
        ROUTED.operation = null;
        ROUTED.versioned = false;
        RECORDED.clear();
        MockHttpServletRequest request = new MockHttpServletRequest(method, "/fhir/" + path);
        request.setServletPath("/fhir");
        request.setPathInfo("/" + path);
        request.setRemoteAddr("10.0.0.9");
        if (!query.isEmpty()) {
            request.setQueryString(query);
            Map<String, String[]> parameters = RequestCanonicalFuzzTest.formDecode(query);
            if (parameters != null) {
                request.setParameters(parameters);
            }
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        SERVER.service(request, response);
        return new Answer(response.getStatus(), response.getContentAsString(StandardCharsets.UTF_8));
    }

    private static GuardRestfulServer server() {
        RequesterRegistry registry = RequesterRegistry.parse("requesters.yaml", "version: 1\nrequesters: []\n",
                Path.of("target"));
        DisclosureControl control = new DisclosureControl(
                RequesterAuthenticator.builder(registry, PartnerCaTrust.none()).build(),
                PolicyStore.of(PolicyEngine.defaults(), Clock.systemUTC()), new TreeRedactor(FHIR), null);
        UpstreamClient upstream = new UpstreamClient(URI.create("http://127.0.0.1:9/fhir"), Duration.ofMillis(200),
                Duration.ofMillis(200), 1 << 16);
        ResponsePath path = new ResponsePath(upstream, new TreeLabeller(LabelConfiguration.defaults(FHIR)),
                new FhirJson(), control, (entry, patients, alsoWrite) -> RECORDED.add(entry), "fuzz",
                Clock.systemUTC());
        GuardRestfulServer guard = new GuardRestfulServer(FHIR, List.copyOf(BOUND), path, null, "fuzz");
        guard.registerInterceptor(ROUTED);
        try {
            guard.init(new MockServletConfig());
        } catch (ServletException e) {
            throw new IllegalStateException(e);
        }
        return guard;
    }
}
