package org.disclosureguard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.TransactionalWrite;
import org.disclosureguard.labels.Confidentiality;
import org.disclosureguard.labels.TreeLabeller;
import org.disclosureguard.policy.Decision;
import org.disclosureguard.policy.Outcome;
import org.disclosureguard.policy.RequestContext;
import org.disclosureguard.upstream.UpstreamClient;
import org.disclosureguard.upstream.UpstreamFailure;
import org.disclosureguard.upstream.UpstreamResponse;

/**
 * The response path for the interactions the guard binds: identify the requester and decide the request
 * ({@link DisclosureControl#admit}), build the upstream request, fetch, check that the answer is what was asked
 * for, label it, decide and redact each resource ({@link DisclosureControl#release}), rewrite its links, and
 * serialize it; a search answer entry by entry, so that it is never held as one tree. The whole answer is prepared
 * in memory before anything is written, so a failure at any step releases nothing.
 *
 * <p>Thread-safe: holds only thread-safe collaborators.
 */
public final class ResponsePath {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ResponsePath.class);

    /** The interactions the guard answers through this path. */
    public enum Interaction {
        READ,
        SEARCH,
        PAGE
    }

    /**
     * One request, as HAPI's router understood it.
     *
     * @param interaction what is asked
     * @param resourceType the resource type (null for {@link Interaction#PAGE})
     * @param id the logical id for {@link Interaction#READ}, otherwise null
     * @param parameters the decoded query (or form) parameters
     * @param headers request headers (any case)
     * @param guardBase the guard's base URL as the requester sees it, without trailing slash
     * @param connection what the servlet container knows about the connection
     */
    public record Inbound(Interaction interaction, String resourceType, String id, Map<String, String[]> parameters,
            Map<String, String> headers, String guardBase, DisclosureControl.Connection connection) {}

    /** A complete answer, ready to write. */
    public record Outbound(int status, Map<String, String> headers, AnswerBody content) {

        public Outbound(int status, Map<String, String> headers, byte[] body) {
            this(status, headers, AnswerBody.of(body));
        }

        /** The answer's bytes as one array (a copy, for an answer held in pieces). */
        public byte[] body() {
            return content.bytes();
        }
    }

    /** Parameters that shape the guard's own output and are never forwarded. */
    static final Set<String> LOCAL_PARAMETERS = Set.of("_format", "_pretty");

    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    private static final String FHIR_JSON_UTF8 = "application/fhir+json;charset=UTF-8";

    /** The operation a requester polls for a held request: {@code GET [base]/$review?case=...}. */
    public static final String REVIEW_OPERATION = "$review";

    /** How long a requester is asked to wait between polls. */
    static final java.time.Duration POLL_AFTER = java.time.Duration.ofSeconds(60);

    /** Polls of a waiting case closer together than this are answered 429. */
    static final java.time.Duration MIN_POLL_INTERVAL = java.time.Duration.ofSeconds(10);

    /** The response header carrying the guard's id for the request, as its audit entry records it. */
    public static final String REQUEST_ID_HEADER = "X-DG-Request-Id";

    private final UpstreamClient upstream;
    private final TreeLabeller labeller;
    private final FhirJson json;
    private final DisclosureControl control;
    private final DisclosureRecorder recorder;
    private final HeldRequests held;
    private final PageTokens pageTokens = new PageTokens();
    private final com.github.benmanes.caffeine.cache.Cache<String, Instant> lastPolls =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().expireAfterWrite(MIN_POLL_INTERVAL)
                    .maximumSize(100_000).recordStats().build();
    private final String instance;
    private final Clock clock;

    /**
     * @param recorder commits each request's audit entry before its answer is released
     * @param instance this guard instance's name, recorded in every audit entry
     */
    public ResponsePath(UpstreamClient upstream, TreeLabeller labeller, FhirJson json, DisclosureControl control,
            DisclosureRecorder recorder, String instance, Clock clock) {
        this(upstream, labeller, json, control, recorder, null, instance, clock);
    }

    /**
     * @param recorder commits each request's audit entry before its answer is released
     * @param held where escalated requests wait for review, or {@code null} to refuse them (403) without a case
     * @param instance this guard instance's name, recorded in every audit entry
     */
    public ResponsePath(UpstreamClient upstream, TreeLabeller labeller, FhirJson json, DisclosureControl control,
            DisclosureRecorder recorder, HeldRequests held, String instance, Clock clock) {
        this.held = held;
        this.control = Objects.requireNonNull(control, "control");
        this.upstream = Objects.requireNonNull(upstream, "upstream");
        this.labeller = Objects.requireNonNull(labeller, "labeller");
        this.json = Objects.requireNonNull(json, "json");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.instance = Objects.requireNonNull(instance, "instance");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The gateway's own caches by name ({@code gateway.pages}: the page tokens issued ({@link PageTokens});
     * {@code gateway.polls}: the last poll of each held request), for metrics. Bounded; they hold ids and times, never
     * patient data.
     */
    public Map<String, com.github.benmanes.caffeine.cache.Cache<String, ?>> caches() {
        return Map.of("gateway.pages", pageTokens.cache(), "gateway.polls", lastPolls);
    }

    /**
     * Answers a request. Every answer, released data, refusal or error alike, is recorded by the
     * {@link DisclosureRecorder} first; if that fails the answer is {@link GuardError#AUDIT_UNAVAILABLE} instead.
     *
     * @return the answer; errors are answers too (an OperationOutcome with the error's status)
     */
    public Outbound handle(Inbound request) {
        RequestRecord record = new RequestRecord(clock.instant());
        Outbound answer;
        String code = null;
        try {
            answer = forward(request, record);
        } catch (GuardException e) {
            answer = error(e.error(), e.detail());
            code = e.error().code();
        } catch (Refusal refusal) {
            code = refusal.code();
            if (held != null && record.context() != null && record.decision() != null
                    && record.decision().outcome() == Outcome.ESCALATE) {
                return hold(request, record, refusal);
            }
            answer = refused(refusal);
        } catch (RuntimeException e) {
            LOG.error("DG-1500 unexpected failure on the response path", e);
            answer = error(GuardError.INTERNAL, null);
            code = GuardError.INTERNAL.code();
        }
        return audited(request, record, answer, code);
    }

    /**
     * Holds an escalated request as a review case, opened in the audit entry's transaction: 202 with the poll
     * address in {@code Content-Location} when the requester sent {@code Prefer: respond-async}, otherwise 403
     * naming the case and the same address. Nothing is released either way.
     */
    private Outbound hold(Inbound request, RequestRecord record, Refusal refusal) {
        boolean read = request.interaction() == Interaction.READ;
        HeldRequests.Hold hold;
        try {
            hold = held.hold(record.context(), record.decision(), read ? request.id() : null,
                    read && "Patient".equals(request.resourceType()) ? request.id() : null, record.requestId());
        } catch (RuntimeException e) {
            LOG.error("{} the escalated request {} could not be held for review: {}",
                    GuardError.AUDIT_UNAVAILABLE.code(), record.requestId(), e.toString());
            return audited(request, record, error(GuardError.AUDIT_UNAVAILABLE, null),
                    GuardError.AUDIT_UNAVAILABLE.code());
        }
        record.review(hold.caseId(), "");
        String poll = request.guardBase() + "/" + REVIEW_OPERATION + "?case=" + hold.caseId();
        String text = refusal.text() + " The review case is " + hold.caseId() + ": poll " + poll
                + " with the same credentials for the practice's decision.";
        Map<String, String> headers = baseHeaders();
        headers.putAll(refusal.headers());
        headers.put("Content-Location", poll);
        Outbound answer;
        if (prefersAsync(request.headers())) {
            headers.put("Retry-After", Long.toString(POLL_AFTER.toSeconds()));
            answer = new Outbound(202, headers, json.write(OperationOutcomes.information(refusal.code(), text)));
        } else {
            answer = new Outbound(refusal.status(), headers, json.write(OperationOutcomes.of(
                    refusal.code(), refusal.status(), refusal.issueType(), text)));
        }
        return audited(request, record, answer, refusal.code(), List.of(hold.open()));
    }

    /**
     * Answers a requester polling for a held request ({@code GET [base]/$review?case=...}), with the same
     * credentials it asked with: 202 while it waits; when decided, a {@code batch-response} Bundle whose one entry
     * carries the real answer (200 with the released data, no wider than the reviewer approved, or 403 with an
     * OperationOutcome); 410 once released; 404 for a case that is not this requester's. Recorded like every
     * other answer, a release in the same transaction as marking the case released.
     */
    public Outbound poll(String caseId, Map<String, String> headers, String guardBase,
            DisclosureControl.Connection connection) {
        RequestRecord record = new RequestRecord(clock.instant());
        String target = caseTarget(caseId);
        Outbound answer;
        String code = null;
        List<TransactionalWrite> writes = new ArrayList<>();
        try {
            CaseRequest request = caseRequest(caseId, headers, guardBase, connection, record);
            DisclosureControl.Identified who = request.who();
            HeldRequests.State state = request.state();
            Instant now = clock.instant();
            Instant previous = lastPolls.asMap().put(caseId, now);
            if (previous != null && previous.plus(MIN_POLL_INTERVAL).isAfter(now)
                    && state instanceof HeldRequests.State.Waiting) {
                Map<String, String> tooSoon = baseHeaders();
                tooSoon.put("Retry-After", Long.toString(POLL_AFTER.toSeconds()));
                record.review(caseId, "");
                code = GuardError.POLLED_TOO_OFTEN.code();
                return audited(record, "read", "", target, new Outbound(429, tooSoon,
                        json.write(OperationOutcomes.of(GuardError.POLLED_TOO_OFTEN, null))), code, writes);
            }
            record.review(caseId, "");
            HeldRequests.State current = state;
            if (current instanceof HeldRequests.State.Waiting waiting) {
                Map<String, String> waitingHeaders = baseHeaders();
                waitingHeaders.put("Retry-After", Long.toString(POLL_AFTER.toSeconds()));
                waitingHeaders.put("X-Progress", "waiting for review since " + waiting.waited().toMinutes()
                        + " minute(s)");
                code = "DG-2105";
                ObjectNode outcome = OperationOutcomes.information(code,
                        "The practice has not decided yet. Poll again later.");
                if (!waiting.question().isEmpty()) {
                    code = "DG-5107";
                    ObjectNode asked = OperationOutcomes.information(code, waiting.question());
                    ((ObjectNode) asked.path("issue").path(0)).put("diagnostics", "DG-5107: The practice's reviewer"
                            + " asks a question. Answer it by POSTing a Parameters resource with one parameter"
                            + " 'answer' (valueString) to this address; the request is considered again once"
                            + " answered.");
                    ((com.fasterxml.jackson.databind.node.ArrayNode) outcome.path("issue")).add(asked.path("issue")
                            .path(0));
                }
                answer = new Outbound(202, waitingHeaders, json.write(outcome));
            } else if (current instanceof HeldRequests.State.Closed closed) {
                code = closed.code();
                answer = new Outbound(200, baseHeaders(), json.write(batchResponse("403 Forbidden", null,
                        OperationOutcomes.of(closed.code(), 403, "forbidden", closed.reason()))));
            } else if (current instanceof HeldRequests.State.Approved approved) {
                record.identified(approved.context(), who.credential());
                record.decided(approved.current());
                record.review(caseId, approved.reviewer());
                try {
                    answer = releaseApproved(approved, headers, guardBase, connection, record);
                    writes.add(held.released(caseId, record.requestId()));
                } catch (Refusal refusal) {
                    code = refusal.code();
                    answer = new Outbound(200, baseHeaders(), json.write(batchResponse("403 Forbidden", null,
                            OperationOutcomes.of(refusal))));
                }
            } else {
                throw new GuardException(GuardError.REVIEW_RELEASED);
            }
        } catch (GuardException e) {
            answer = error(e.error(), e.detail());
            code = e.error().code();
        } catch (Refusal refusal) {
            answer = refused(refusal);
            code = refusal.code();
        } catch (RuntimeException e) {
            LOG.error("DG-1500 unexpected failure answering a poll", e);
            answer = error(GuardError.INTERNAL, null);
            code = GuardError.INTERNAL.code();
        }
        return audited(record, "read", "", target, answer, code, writes);
    }

    /**
     * Withdraws a held request at its requester's request ({@code DELETE [base]/$review?case=...}, the FHIR
     * asynchronous pattern's cancel): 202 once withdrawn, nothing released and nothing releasable afterwards; 404 for
     * a case that is not this requester's; 409 for a case already refused, expired, released or withdrawn. Recorded
     * like every other answer, the withdrawal in the same transaction.
     */
    public Outbound withdraw(String caseId, Map<String, String> headers, String guardBase,
            DisclosureControl.Connection connection) {
        return onHeldCase(caseId, headers, guardBase, connection, "delete", "withdrawing a held request",
                (request, writes) -> {
                    HeldRequests.State state = request.state();
                    if (!(state instanceof HeldRequests.State.Waiting)
                            && !(state instanceof HeldRequests.State.Approved)) {
                        throw new GuardException(GuardError.REVIEW_CLOSED);
                    }
                    writes.add(held.withdraw(caseId, request.who().requester().id()));
                    String code = "DG-5106";
                    return new CaseAnswer(new Outbound(202, baseHeaders(), json.write(OperationOutcomes.information(
                            code, "The request is withdrawn; nothing was released and nothing will be."))), code);
                });
    }

    /**
     * Records the requester's answer to the reviewer's question ({@code POST [base]/$review?case=...} with a
     * Parameters resource whose one parameter {@code answer} carries a {@code valueString} of at most 4000
     * characters), with the same credentials it asked with: 202 once recorded, the case back with the reviewers;
     * 400 for a body that is not such a Parameters resource; 404 for a case that is not this requester's; 409 when
     * no question is waiting. Recorded like every other answer, the answer stored in the same transaction.
     *
     * @param body the request body as sent, or {@code null} when it was too large to read
     */
    public Outbound answerQuestion(String caseId, byte[] body, Map<String, String> headers, String guardBase,
            DisclosureControl.Connection connection) {
        return onHeldCase(caseId, headers, guardBase, connection, "operation",
                "recording an answer to a reviewer's question", (request, writes) -> {
                    String text = RequesterAnswer.parse(body);
                    if (text == null) {
                        String code = "DG-5015";
                        return new CaseAnswer(new Outbound(400, baseHeaders(), json.write(OperationOutcomes.of(code,
                                400, "invalid", "Send a FHIR Parameters resource (application/fhir+json) with exactly"
                                        + " one parameter named 'answer' carrying a non-blank valueString of at most "
                                        + RequesterAnswer.MAX_LENGTH + " characters."))), code);
                    }
                    if (!(request.state() instanceof HeldRequests.State.Waiting waiting)
                            || waiting.question().isEmpty()) {
                        String code = "DG-5014";
                        return new CaseAnswer(new Outbound(409, baseHeaders(), json.write(OperationOutcomes.of(code,
                                409, "business-rule", "This request is not waiting for an answer from you (no"
                                        + " question was asked, it was answered already, or the request has been"
                                        + " decided)."))), code);
                    }
                    writes.add(held.answer(caseId, request.who().requester().id(), text));
                    String code = "DG-5109";
                    Map<String, String> answered = baseHeaders();
                    answered.put("Retry-After", Long.toString(POLL_AFTER.toSeconds()));
                    answered.put("Content-Location", guardBase + "/" + caseTarget(caseId));
                    return new CaseAnswer(new Outbound(202, answered, json.write(OperationOutcomes.information(code,
                            "Your answer is recorded and the request is back with the practice's reviewer. Poll"
                                    + " again later."))), code);
                });
    }

    /** What an operation on a held case answers, with the code its audit entry records. */
    private record CaseAnswer(Outbound answer, String code) {}

    /** An operation on a held case, given who asks and the case's state; it adds what it changes to the writes. */
    @FunctionalInterface
    private interface CaseOperation {
        CaseAnswer apply(CaseRequest request, List<TransactionalWrite> writes);
    }

    /**
     * Identifies the requester of a withdrawal or an answer to a question, finds the case for them and runs the
     * operation. A refusal or a failure is answered as such, with nothing written but the audit entry; every answer is
     * recorded, with the operation's writes in the same transaction.
     *
     * @param failure what the operation does, for the log of an unexpected failure
     */
    private Outbound onHeldCase(String caseId, Map<String, String> headers, String guardBase,
            DisclosureControl.Connection connection, String interaction, String failure, CaseOperation operation) {
        RequestRecord record = new RequestRecord(clock.instant());
        List<TransactionalWrite> writes = new ArrayList<>();
        CaseAnswer answered;
        try {
            CaseRequest request = caseRequest(caseId, headers, guardBase, connection, record);
            record.review(caseId, "");
            answered = operation.apply(request, writes);
        } catch (GuardException e) {
            writes.clear();
            answered = new CaseAnswer(error(e.error(), e.detail()), e.error().code());
        } catch (Refusal refusal) {
            writes.clear();
            answered = new CaseAnswer(refused(refusal), refusal.code());
        } catch (RuntimeException e) {
            LOG.error("DG-1500 unexpected failure {}", failure, e);
            writes.clear();
            answered = new CaseAnswer(error(GuardError.INTERNAL, null), GuardError.INTERNAL.code());
        }
        return audited(record, interaction, "", caseTarget(caseId), answered.answer(), answered.code(), writes);
    }

    /** A held case's address relative to the guard's base, as recorded. */
    private static String caseTarget(String caseId) {
        return REVIEW_OPERATION + "?case=" + (caseId == null ? "" : caseId);
    }

    /** Who asks about a held case, and the case's state for them. */
    private record CaseRequest(DisclosureControl.Identified who, HeldRequests.State state) {}

    /**
     * Identifies the requester of a poll, withdrawal or answer (recording who it is) and finds the case's state for
     * them.
     *
     * @throws GuardException {@link GuardError#REVIEW_NOT_FOUND} for an unknown case or another requester's, alike
     * @throws Refusal when the requester cannot be identified
     */
    private CaseRequest caseRequest(String caseId, Map<String, String> headers, String guardBase,
            DisclosureControl.Connection connection, RequestRecord record) {
        DisclosureControl.Identified who = control.identify(headers, connection, guardBase);
        record.identified(new RequestContext(who.requester(), who.claims().purposeOfUse().orElse(""),
                who.claims().legalBasis().orElse(""), who.claims().caseReference().orElse(""),
                who.claims().requestingOfficer().orElse(""), org.disclosureguard.policy.Interaction.READ, "",
                Map.of()), who.credential());
        Optional<HeldRequests.State> state = held == null || caseId == null ? Optional.empty()
                : held.state(caseId, who.requester().id());
        return new CaseRequest(who, state.orElseThrow(() -> new GuardException(GuardError.REVIEW_NOT_FOUND)));
    }

    private Outbound releaseApproved(HeldRequests.State.Approved approved, Map<String, String> headers,
            String guardBase, DisclosureControl.Connection connection, RequestRecord record) {
        RequestContext context = approved.context();
        Interaction interaction = switch (context.interaction()) {
            case READ -> Interaction.READ;
            case SEARCH -> Interaction.SEARCH;
            case PAGE -> Interaction.PAGE;
        };
        Map<String, String[]> parameters = new LinkedHashMap<>();
        context.params().forEach((name, values) -> parameters.put(name, values.toArray(new String[0])));
        Inbound held = new Inbound(interaction, context.resourceType(),
                interaction == Interaction.READ ? approved.resourceId() : null, parameters, headers, guardBase,
                connection);
        Fetched fetched = fetchLabelled(held, interaction == Interaction.PAGE
                ? redeemPage(held.parameters(), context.requester().id(), approved.current().policyVersion())
                : null);
        Decision decision;
        try {
            decision = control.releaseApproved(interaction, fetched.resource(), approved, record);
        } catch (IllegalArgumentException e) {
            throw new GuardException(GuardError.REDACTION_FAILED, null, e);
        }
        issuePages(fetched.resource(), context.requester().id(), approved.current().policyVersion());
        Outbound inner = answer(held, fetched.response(), fetched.resource(), decision);
        ObjectNode bundle = batchResponse("200 OK", fetched.resource(), null);
        return new Outbound(200, inner.headers(), json.write(bundle));
    }

    private static ObjectNode batchResponse(String status, ObjectNode resource, ObjectNode outcome) {
        ObjectNode bundle = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        bundle.put("resourceType", "Bundle");
        bundle.put("type", "batch-response");
        ObjectNode entry = bundle.putArray("entry").addObject();
        if (resource != null) {
            entry.set("resource", resource);
        }
        ObjectNode response = entry.putObject("response");
        response.put("status", status);
        if (outcome != null) {
            response.set("outcome", outcome);
        }
        return bundle;
    }

    private static boolean prefersAsync(Map<String, String> headers) {
        if (headers == null) {
            return false;
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase("Prefer") && header.getValue() != null
                    && header.getValue().toLowerCase(Locale.ROOT).contains("respond-async")) {
                return true;
            }
        }
        return false;
    }

    /** The answer for a request that could not be read at all (400 DG-1205), recorded like every other answer. */
    public Outbound malformed() {
        return audited(new RequestRecord(clock.instant()), "read", "", "(unreadable)",
                error(GuardError.MALFORMED_REQUEST, null), GuardError.MALFORMED_REQUEST.code());
    }

    /**
     * The answer for a request refused before it reached the response path (a format the guard does not write, or a
     * failure on the way in), recorded like every other answer: nobody is identified and nothing is fetched.
     *
     * @param interaction the FHIR restful interaction code the request comes closest to
     * @param resourceType the resource type named in the path, or {@code null}
     * @param target the path and query relative to the FHIR base
     */
    public Outbound refusedOnTheWayIn(GuardError error, String interaction, String resourceType, String target) {
        return audited(new RequestRecord(clock.instant()), interaction, resourceType, target, error(error, null),
                error.code());
    }

    /**
     * The answer for a request HAPI's router could not match to anything the guard offers (a write, history, an
     * operation, an unknown type), recorded like every other answer: nobody is identified and nothing is fetched.
     *
     * @param status the 4xx status HAPI chose
     * @param interaction the FHIR restful interaction code the request comes closest to
     * @param resourceType the resource type named in the path, or {@code null}
     * @param target the path and query relative to the FHIR base
     */
    public Outbound notOffered(int status, String interaction, String resourceType, String target) {
        Outbound refusal = error(GuardError.NOT_OFFERED, null);
        return audited(new RequestRecord(clock.instant()), interaction, resourceType, target,
                new Outbound(status, refusal.headers(), refusal.content()), GuardError.NOT_OFFERED.code());
    }

    private Outbound audited(Inbound request, RequestRecord record, Outbound answer, String code) {
        return audited(request, record, answer, code, List.of());
    }

    private Outbound audited(Inbound request, RequestRecord record, Outbound answer, String code,
            List<TransactionalWrite> alsoWrite) {
        return audited(record, interactionCode(request.interaction()), request.resourceType(), target(request),
                answer, code, alsoWrite);
    }

    private Outbound audited(RequestRecord record, String interaction, String resourceType, String target,
            Outbound answer, String code) {
        return audited(record, interaction, resourceType, target, answer, code, List.of());
    }

    private Outbound audited(RequestRecord record, String interaction, String resourceType, String target,
            Outbound answer, String code, List<TransactionalWrite> alsoWrite) {
        String hash = code == null && answer.status() == 200 ? answer.content().sha256() : null;
        try {
            AuditEntry entry = record.entry(instance, interaction, resourceType, target, answer.status(), code, hash);
            recorder.record(entry, entry.outcome().released() ? record.patientsOnRecord()
                    : record.restrictedPatients(), alsoWrite);
        } catch (RuntimeException e) {
            LOG.error("{} the audit entry of request {} could not be committed, so nothing was released: {}",
                    GuardError.AUDIT_UNAVAILABLE.code(), record.requestId(), e.toString());
            answer = error(GuardError.AUDIT_UNAVAILABLE, null);
        }
        Map<String, String> headers = new LinkedHashMap<>(answer.headers());
        headers.put(REQUEST_ID_HEADER, record.requestId());
        return new Outbound(answer.status(), headers, answer.content());
    }

    private static String interactionCode(Interaction interaction) {
        return switch (interaction) {
            case READ -> "read";
            case SEARCH -> "search-type";
            case PAGE -> "page";
        };
    }

    /** The request relative to the FHIR base, as recorded: {@code Type/id}, {@code Type?query} or {@code ?query}. */
    private static String target(Inbound request) {
        return switch (request.interaction()) {
            case READ -> request.resourceType() + "/" + request.id();
            case SEARCH -> request.resourceType() + query(request.parameters() == null ? Map.of()
                    : request.parameters());
            case PAGE -> query(request.parameters() == null ? Map.of() : request.parameters());
        };
    }

    /** The answer for a refusal by identity or policy. */
    public Outbound refused(Refusal refusal) {
        Map<String, String> headers = baseHeaders();
        headers.putAll(refusal.headers());
        return new Outbound(refusal.status(), headers, json.write(OperationOutcomes.of(refusal)));
    }

    /** The answer for an error. */
    public Outbound error(GuardError error, String detail) {
        return new Outbound(error.status(), baseHeaders(), json.write(OperationOutcomes.of(error, detail)));
    }

    private Outbound forward(Inbound request, RequestRecord record) {
        DisclosureControl.Admission admission = control.admit(request, request.connection(), record);
        String requesterId = admission.context().requester().id();
        String policyVersion = admission.engine().version();
        String pageQuery = request.interaction() == Interaction.PAGE
                ? redeemPage(request.parameters(), requesterId, policyVersion) : null;
        if (request.interaction() != Interaction.READ) {
            return forwardSearchset(request, record, admission, pageQuery);
        }
        UpstreamResponse response = fetch(request, pageQuery);
        ObjectNode resource = labelled(request, response);
        Confidentiality patientMark = DisclosureControl.needsPatientMark(admission, resource)
                ? patientMark(request, resource) : null;
        Decision decision;
        try {
            decision = control.release(admission, request.interaction(), resource, patientMark, record);
        } catch (IllegalArgumentException e) {
            throw new GuardException(GuardError.REDACTION_FAILED, null, e);
        }
        control.admitPatients(admission, record);
        return answer(request, response, resource, decision);
    }

    /**
     * Releases a search or page answer one entry at a time, as it arrives: each entry of the searchset Bundle is read
     * from the practice server's answer, labelled, decided, redacted, rewritten and written out before the next is
     * read, so that the answer is never held as one tree, and the practice server's bytes are not held at all. What
     * the entries release is noted apart and taken into the request's record only once every entry has been
     * released. A Bundle whose {@code resourceType} and {@code type} do not come before its entries is released
     * whole, the same way.
     *
     * @param pageQuery for a page request, the practice server's page query its token stands for
     */
    private Outbound forwardSearchset(Inbound request, RequestRecord record, DisclosureControl.Admission admission,
            String pageQuery) {
        Searchset searchset = new Searchset(request, admission, new RequestRecord(clock.instant()));
        UpstreamClient.Streamed<FhirJson.StreamedBundle> answer;
        try {
            answer = upstream.stream(relativePath(request, pageQuery), request.headers(), searchset::read);
        } catch (UpstreamFailure failure) {
            throw new GuardException(errorFor(failure.kind()), null, failure);
        }
        if (!answer.isSuccess()) {
            throw new GuardException(errorForStatus(answer.status(), request.interaction()));
        }
        FhirJson.StreamedBundle read = answer.value();
        ObjectNode bundle = read.bundle();
        checkAnswerMatches(request, bundle);
        labelOrFail(() -> labeller.label(bundle));
        Decision decision;
        if (read.streamed()) {
            decision = control.releaseSearchset(admission, bundle, searchset.dropped);
            record.absorbReleases(searchset.entries);
        } else {
            try {
                decision = control.release(admission, request.interaction(), bundle, null, record);
            } catch (IllegalArgumentException e) {
                throw new GuardException(GuardError.REDACTION_FAILED, null, e);
            }
        }
        control.admitPatients(admission, record);
        issuePages(bundle, admission.context().requester().id(), admission.engine().version());
        String upstreamBase = upstream.base().toString();
        warnIfLinksDropped(searchset.droppedLinks + LinkRewriter.rewrite(bundle, upstreamBase, request.guardBase()));
        AnswerBody body = read.streamed() ? searchset.written.finish(bundle) : AnswerBody.of(json.write(bundle));
        return new Outbound(200, answerHeaders(request, answer.headers(), decision), body);
    }

    /** One search answer being released entry by entry, and what its entries have released so far. */
    private final class Searchset {

        private final Inbound request;
        private final DisclosureControl.Admission admission;
        private final RequestRecord entries;
        private final FhirJson.EntryWriter written = json.entryWriter();
        private boolean dropped;
        private int droppedLinks;

        Searchset(Inbound request, DisclosureControl.Admission admission, RequestRecord entries) {
            this.request = request;
            this.admission = admission;
            this.entries = entries;
        }

        FhirJson.StreamedBundle read(InputStream body) throws IOException {
            return json.readBundle(body, ResponsePath::isSearchset, this::release);
        }

        private void release(JsonNode entry) {
            if (entry instanceof ObjectNode object) {
                labelOrFail(() -> labeller.labelEntry(object));
            }
            boolean kept;
            try {
                kept = control.releaseEntry(admission, entry, entries);
            } catch (IllegalArgumentException e) {
                throw new GuardException(GuardError.REDACTION_FAILED, null, e);
            }
            if (!kept) {
                dropped = true;
                return;
            }
            if (entry instanceof ObjectNode object) {
                droppedLinks += LinkRewriter.rewriteEntry(object, upstream.base().toString(), request.guardBase());
            }
            written.add(entry);
        }
    }

    private static boolean isSearchset(ObjectNode bundle) {
        return "Bundle".equals(bundle.path("resourceType").asText(null))
                && "searchset".equals(bundle.path("type").asText(null));
    }

    /**
     * The practice server's page query behind a page request, if the request is exactly one page token
     * ({@code ?_getpages=<token>}, with {@code _format} or {@code _pretty} at most) that this instance issued to this
     * requester under the policy now in force.
     *
     * @throws GuardException {@link GuardError#PAGE_NOT_ISSUED} for anything else than one token, or a token issued to
     *     someone else; {@link GuardError#PAGE_EXPIRED} for a token this instance does not hold (never issued,
     *     expired, or issued before a restart); {@link GuardError#PAGE_POLICY_CHANGED} when the policy has changed
     */
    private String redeemPage(Map<String, String[]> parameters, String requesterId, String policyVersion) {
        String token = null;
        for (Map.Entry<String, String[]> parameter : (parameters == null ? Map.<String, String[]>of() : parameters)
                .entrySet()) {
            if (parameter.getKey().equals("_getpages") && parameter.getValue().length == 1 && token == null) {
                token = parameter.getValue()[0];
            } else if (!LOCAL_PARAMETERS.contains(parameter.getKey())) {
                throw new GuardException(GuardError.PAGE_NOT_ISSUED);
            }
        }
        if (token == null) {
            throw new GuardException(GuardError.PAGE_NOT_ISSUED);
        }
        PageTokens.Grant grant = pageTokens.grant(token)
                .orElseThrow(() -> new GuardException(GuardError.PAGE_EXPIRED));
        if (!grant.requesterId().equals(requesterId)) {
            throw new GuardException(GuardError.PAGE_NOT_ISSUED);
        }
        if (!grant.policyVersion().equals(policyVersion)) {
            throw new GuardException(GuardError.PAGE_POLICY_CHANGED);
        }
        return grant.upstreamQuery();
    }

    /**
     * Replaces the practice server's page queries in a search Bundle's links with page tokens granted to this
     * requester under this policy version, so that no upstream page id, offset or page size leaves the guard.
     */
    private void issuePages(ObjectNode bundle, String requesterId, String policyVersion) {
        String base = upstream.base().toString();
        for (JsonNode link : bundle.path("link")) {
            String url = link.path("url").asText("");
            if (link instanceof ObjectNode linkObject && url.startsWith(base + "?") && url.contains("_getpages=")) {
                String token = pageTokens.issue(new PageTokens.Grant(requesterId, policyVersion,
                        url.substring(base.length())));
                linkObject.put("url", base + "?_getpages=" + token);
            }
        }
    }

    /** The page tokens this instance has issued, for their cache metrics. */
    public PageTokens pageTokens() {
        return pageTokens;
    }

    /** An upstream answer, parsed, checked and labelled. */
    private record Fetched(UpstreamResponse response, ObjectNode resource) {}

    /**
     * @param pageQuery for a page request, the practice server's page query its token stands for
     */
    private Fetched fetchLabelled(Inbound request, String pageQuery) {
        UpstreamResponse response = fetch(request, pageQuery);
        return new Fetched(response, labelled(request, response));
    }

    /**
     * The practice server's successful answer to a request.
     *
     * @param pageQuery for a page request, the practice server's page query its token stands for
     */
    private UpstreamResponse fetch(Inbound request, String pageQuery) {
        UpstreamResponse response;
        try {
            response = upstream.get(relativePath(request, pageQuery), request.headers());
        } catch (UpstreamFailure failure) {
            throw new GuardException(errorFor(failure.kind()), null, failure);
        }
        if (!response.isSuccess()) {
            throw new GuardException(errorForStatus(response.status(), request.interaction()));
        }
        return response;
    }

    /** The request relative to the practice server's base. */
    private static String relativePath(Inbound request, String pageQuery) {
        return switch (request.interaction()) {
            case READ -> {
                if (!FHIR_ID.matcher(request.id()).matches()) {
                    throw new GuardException(GuardError.NOT_FOUND);
                }
                yield request.resourceType() + "/" + request.id();
            }
            case SEARCH -> request.resourceType() + query(request.parameters());
            case PAGE -> Objects.requireNonNull(pageQuery, "pageQuery");
        };
    }

    /** The answer parsed as one tree, checked to be what was asked for, and labelled. */
    private ObjectNode labelled(Inbound request, UpstreamResponse response) {
        ObjectNode resource;
        try {
            resource = json.readResource(response.body());
        } catch (IOException e) {
            throw new GuardException(GuardError.UPSTREAM_NOT_FHIR, null, e);
        }
        checkAnswerMatches(request, resource);
        labelOrFail(() -> labeller.label(resource));
        return resource;
    }

    /** Labels, failing as an answer that is not FHIR for what the labeller cannot read, otherwise as a fault. */
    private static void labelOrFail(Runnable labelling) {
        try {
            labelling.run();
        } catch (IllegalArgumentException e) {
            throw new GuardException(GuardError.UPSTREAM_NOT_FHIR, null, e);
        } catch (RuntimeException e) {
            throw new GuardException(GuardError.LABELLING_FAILED, null, e);
        }
    }

    /** The released answer: links rebased to the guard, the decision named, the body serialized. */
    private Outbound answer(Inbound request, UpstreamResponse response, ObjectNode resource, Decision decision) {
        warnIfLinksDropped(LinkRewriter.rewrite(resource, upstream.base().toString(), request.guardBase()));
        return new Outbound(200, answerHeaders(request, response.headers(), decision), json.write(resource));
    }

    private void warnIfLinksDropped(int dropped) {
        if (dropped > 0) {
            LOG.warn("Dropped {} link(s) not on the practice server's base {}: check guard.upstream.base-url "
                    + "against the address the practice server puts in its links", dropped, upstream.base());
        }
    }

    private static Map<String, String> answerHeaders(Inbound request, Map<String, String> upstreamHeaders,
            Decision decision) {
        Map<String, String> headers = baseHeaders();
        headers.put(DisclosureControl.DECISION_HEADER, DisclosureControl.headerValue(decision));
        if (request.interaction() == Interaction.READ) {
            copy(upstreamHeaders, headers, "etag", "ETag");
            copy(upstreamHeaders, headers, "last-modified", "Last-Modified");
        }
        copy(upstreamHeaders, headers, "x-request-id", "X-Request-Id");
        return headers;
    }

    /**
     * The confidentiality of the patient a read resource belongs to, read from the practice server and labelled
     * as a Patient read would be. Anything but a labelled Patient with that id (unreachable, missing, another
     * reference form) fails closed: V, so that the policy treats the record as very restricted.
     */
    private Confidentiality patientMark(Inbound request, ObjectNode resource) {
        String id = DisclosureControl.patientId(resource);
        if (id == null) {
            return Confidentiality.V;
        }
        try {
            UpstreamResponse response = upstream.get("Patient/" + id, request.headers());
            if (!response.isSuccess()) {
                return Confidentiality.V;
            }
            ObjectNode patient = json.readResource(response.body());
            if (!"Patient".equals(patient.path("resourceType").asText(null)) || !id.equals(patient.path("id").asText(null))) {
                return Confidentiality.V;
            }
            labeller.label(patient);
            return DisclosureControl.mark(patient);
        } catch (UpstreamFailure | IOException | RuntimeException e) {
            LOG.warn("The patient of {}/{} could not be read to find its confidentiality; treated as very restricted",
                    request.resourceType(), request.id());
            return Confidentiality.V;
        }
    }

    private static void checkAnswerMatches(Inbound request, ObjectNode resource) {
        String type = resource.path("resourceType").asText();
        boolean matches = switch (request.interaction()) {
            case READ -> type.equals(request.resourceType()) && request.id().equals(resource.path("id").asText(null));
            case SEARCH, PAGE -> type.equals("Bundle") && "searchset".equals(resource.path("type").asText(null));
        };
        if (!matches) {
            throw new GuardException(GuardError.UPSTREAM_UNEXPECTED);
        }
    }

    /** Re-encodes parameters in a stable order, leaving out the ones the guard handles itself. */
    static String query(Map<String, String[]> parameters) {
        StringBuilder query = new StringBuilder();
        for (Map.Entry<String, String[]> parameter : new TreeMap<>(parameters).entrySet()) {
            if (LOCAL_PARAMETERS.contains(parameter.getKey())) {
                continue;
            }
            for (String value : parameter.getValue()) {
                query.append(query.length() == 0 ? '?' : '&')
                        .append(URLEncoder.encode(parameter.getKey(), StandardCharsets.UTF_8))
                        .append('=')
                        .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
        return query.toString();
    }

    private static GuardError errorFor(UpstreamFailure.Kind kind) {
        return switch (kind) {
            case UNAVAILABLE -> GuardError.UPSTREAM_UNAVAILABLE;
            case TIMEOUT -> GuardError.UPSTREAM_TIMEOUT;
            case ERROR_STATUS -> GuardError.UPSTREAM_ERROR;
            case REDIRECT -> GuardError.UPSTREAM_REDIRECT;
            case NOT_FHIR -> GuardError.UPSTREAM_NOT_FHIR;
            case TOO_LARGE -> GuardError.UPSTREAM_TOO_LARGE;
            case UNEXPECTED_CONTENT -> GuardError.UPSTREAM_UNEXPECTED;
        };
    }

    private static GuardError errorForStatus(int status, Interaction interaction) {
        return switch (status) {
            case 404 -> GuardError.NOT_FOUND;
            case 410 -> interaction == Interaction.PAGE ? GuardError.PAGE_EXPIRED : GuardError.GONE;
            case 400, 412, 422 -> GuardError.UPSTREAM_REFUSED_REQUEST;
            default -> GuardError.UPSTREAM_ERROR;
        };
    }

    private static Map<String, String> baseHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", FHIR_JSON_UTF8);
        headers.put("Cache-Control", "no-store");
        return headers;
    }

    private static void copy(Map<String, String> from, Map<String, String> to, String key, String name) {
        String value = from.get(key);
        if (value != null) {
            to.put(name, value);
        }
    }
}
