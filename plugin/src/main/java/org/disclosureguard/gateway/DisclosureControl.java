package org.disclosureguard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.disclosureguard.identity.AnonymousRequest;
import org.disclosureguard.identity.AuthenticatedRequester;
import org.disclosureguard.identity.AuthenticationFailure;
import org.disclosureguard.identity.AuthenticationResult;
import org.disclosureguard.identity.BoundClaims;
import org.disclosureguard.identity.RegisteredRequester;
import org.disclosureguard.identity.RequesterAuthenticator;
import org.disclosureguard.labels.Confidentiality;
import org.disclosureguard.labels.SecurityLabel;
import org.disclosureguard.labels.Vocabulary;
import org.disclosureguard.policy.Decision;
import org.disclosureguard.policy.Interaction;
import org.disclosureguard.policy.Outcome;
import org.disclosureguard.policy.PolicyEngine;
import org.disclosureguard.policy.PolicyStore;
import org.disclosureguard.policy.RequestContext;
import org.disclosureguard.policy.Requester;
import org.disclosureguard.policy.ResourceFacts;
import org.disclosureguard.redaction.TreeRedactor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies identity, policy and redaction to one request, in two steps around the upstream call.
 *
 * <ol>
 *   <li>{@link #admit}: who is asking ({@link RequesterAuthenticator}: client certificate chain and headers), then
 *       the policy's request-stage decision. Anything but PERMIT or REDACT ends the request with a {@link Refusal}
 *       before the practice server is called, so the answer cannot depend on whether a patient exists. A request
 *       without any credentials is the practice's own (the {@value #INTERNAL_ID} requester) only when it comes
 *       over plain HTTP from a loopback address and carries no {@code X-DG-*} or forwarding header; otherwise it
 *       is refused with {@link GuardError#CREDENTIALS_REQUIRED}.
 *   <li>{@link #release}: for each labelled resource (the resource of a read, every entry's resource of a search
 *       or page), the policy's resource decision (which applies both stages) on the resource's facts. PERMIT adds
 *       the decision's obligations to {@code meta.security}; REDACT also withholds with {@link TreeRedactor}; DENY
 *       and ESCALATE refuse a read and drop a search entry. For an external requester, or when an entry was
 *       dropped, {@code Bundle.total} is removed; for an external requester, Bundle links other than {@code self},
 *       {@code next} and {@code previous} are removed too.
 * </ol>
 *
 * <p>One request is decided by one policy version: {@link #admit} takes the policy in force once and
 * {@link Admission} carries it to {@link #release}.
 *
 * <p>Thread-safe: holds only thread-safe collaborators; a tree passed to {@link #release} must not be shared.
 */
public final class DisclosureControl {

    /** The response header naming the deciding rule and the policy version: {@code <rule>; policy=<version>}. */
    public static final String DECISION_HEADER = "X-DG-Decision";

    /** The policy requester id of an anonymous loopback request (the practice's own systems). */
    public static final String INTERNAL_ID = "practice-loopback";

    /** The servlet request attribute holding the TLS client certificate chain. */
    public static final String CLIENT_CHAIN_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";

    private static final Logger LOG = LoggerFactory.getLogger(DisclosureControl.class);
    private static final Set<String> KEPT_LINKS = Set.of("self", "next", "previous", "prev");
    private static final Pattern PATIENT_REFERENCE = Pattern.compile("Patient/[A-Za-z0-9\\-.]{1,64}");
    private static final Pattern GP_REFERENCE =
            Pattern.compile("(Practitioner|PractitionerRole|Organization)/[A-Za-z0-9\\-.]{1,64}");
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9a-fA-F:.%\\[\\]]+");
    private static final Requester INTERNAL = new Requester(INTERNAL_ID, "", "practice", true);

    /**
     * The network facts of one request that the servlet container knows and headers cannot change.
     *
     * @param clientChain the verified TLS client certificate chain, leaf first; {@code null} or empty without one
     * @param remoteAddress the peer's IP address as the container reports it; may be {@code null}
     * @param secure whether the request came over TLS
     */
    public record Connection(X509Certificate[] clientChain, String remoteAddress, boolean secure) {

        /** A plain HTTP connection from the given address, without a client certificate. */
        public static Connection plain(String remoteAddress) {
            return new Connection(null, remoteAddress, false);
        }
    }

    /**
     * A request that may go upstream.
     *
     * @param engine the policy that decided it, used again for its resources
     * @param context the request as the policy sees it
     * @param decision the request-stage decision (PERMIT or REDACT)
     */
    public record Admission(PolicyEngine engine, RequestContext context, Decision decision) {

        /** Whether the requester is the practice itself. */
        public boolean internal() {
            return context.requester().internal();
        }
    }

    private final RequesterAuthenticator authenticator;
    private final PolicyStore policies;
    private final TreeRedactor redactor;
    private final String audience;
    private final RequestLimits limits;

    /**
     * @param authenticator identifies requesters
     * @param policies the policy in force
     * @param redactor withholds labelled elements
     * @param audience the token audience this guard accepts, or {@code null} to use each request's FHIR base URL
     */
    public DisclosureControl(RequesterAuthenticator authenticator, PolicyStore policies, TreeRedactor redactor,
            String audience) {
        this(authenticator, policies, redactor, audience, java.time.Clock.systemUTC());
    }

    /**
     * As {@link #DisclosureControl(RequesterAuthenticator, PolicyStore, TreeRedactor, String)}, with the clock the
     * request limits count by.
     */
    public DisclosureControl(RequesterAuthenticator authenticator, PolicyStore policies, TreeRedactor redactor,
            String audience, java.time.Clock clock) {
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        this.policies = Objects.requireNonNull(policies, "policies");
        this.redactor = Objects.requireNonNull(redactor, "redactor");
        this.audience = audience == null || audience.isBlank() ? null : audience.strip();
        this.limits = new RequestLimits(Objects.requireNonNull(clock, "clock"));
    }

    /**
     * The in-memory windows of the request limits, by cache name ({@code limits.minutes}: requests per requester and
     * minute; {@code limits.days}: patients per requester and day), for metrics (hit rate, size, evictions). Both are
     * bounded Caffeine caches that record statistics.
     */
    public java.util.Map<String, com.github.benmanes.caffeine.cache.Cache<String, ?>> limitWindows() {
        return limits.caches();
    }

    /**
     * Holds an answer to the requester's limit of distinct patients per day (the policy's {@code limits}): it is
     * released only if the patients it names stay within the limit, and they are then counted.
     *
     * @throws Refusal 429 when they would not; nothing may then be released
     */
    void admitPatients(Admission admission, RequestRecord record) {
        List<String> patients = record.patientsOnRecord().stream().map(PatientOnRecord::id).toList();
        limits.admitPatients(admission.context().requester(),
                admission.engine().limitFor(admission.context().requester()), patients);
    }

    /**
     * Identifies the requester and decides the request before anything is fetched.
     *
     * @throws Refusal if the requester cannot be identified or the policy does not release now
     */
    public Admission admit(ResponsePath.Inbound request, Connection connection) {
        return admit(request, connection, new RequestRecord(java.time.Instant.now()));
    }

    /** As {@link #admit(ResponsePath.Inbound, Connection)}, noting who asked and what was decided in the record. */
    Admission admit(ResponsePath.Inbound request, Connection connection, RequestRecord record) {
        Identified who = identify(request.headers(), connection, request.guardBase());
        Requester requester = who.requester();
        BoundClaims claims = who.claims();
        String credential = who.credential();
        RequestContext context = new RequestContext(requester, claims.purposeOfUse().orElse(""),
                claims.legalBasis().orElse(""), claims.caseReference().orElse(""),
                claims.requestingOfficer().orElse(""), interaction(request.interaction()),
                request.resourceType(), forwardedParameters(request));
        record.identified(context, credential);
        if (request.interaction() == ResponsePath.Interaction.READ && "Patient".equals(request.resourceType())) {
            record.about(request.id());
        }
        if (request.interaction() == ResponsePath.Interaction.SEARCH && request.parameters() != null
                && request.parameters().get("identifier") != null) {
            for (String identifier : request.parameters().get("identifier")) {
                if (identifier != null && identifier.startsWith(Vocabulary.NHS_NUMBER + "|")) {
                    record.asked(identifier);
                }
            }
        }
        PolicyEngine engine = policies.current();
        limits.countRequest(requester, engine.limitFor(requester));
        Decision decision = engine.decideRequest(context);
        record.decided(decision);
        if (!decision.releases()) {
            throw refusal(decision);
        }
        return new Admission(engine, context, decision);
    }

    /**
     * Who is asking: the registered requester and the claims bound to it, or the practice itself (see
     * {@link #admit}).
     *
     * @param credential how the requester was identified (certificate fingerprint or token id), or empty
     */
    record Identified(Requester requester, BoundClaims claims, String credential) {}

    /**
     * Identifies the requester of a request from its connection and headers, without deciding anything.
     *
     * @param guardBase the request's FHIR base URL, the token audience when none is configured
     * @throws Refusal if the requester cannot be identified
     */
    Identified identify(Map<String, String> headers, Connection connection, String guardBase) {
        Requester requester;
        BoundClaims claims;
        String credential = "";
        String expectedAudience = audience != null ? audience : guardBase;
        AuthenticationResult result = authenticator.authenticate(connection.clientChain(), headers, expectedAudience);
        if (result instanceof AuthenticationFailure failure) {
            LOG.info("{} refused: {}", failure.code(), failure.logDetail());
            int status = failure.error().httpStatus();
            throw new Refusal(status, failure.code(), status == 401 ? "login" : status == 403 ? "forbidden"
                    : status >= 500 ? "transient" : "invalid", failure.message(),
                    status == 401 ? Map.of("WWW-Authenticate", "Bearer") : Map.of());
        } else if (result instanceof AuthenticatedRequester authenticated) {
            RegisteredRequester registered = authenticated.requester();
            requester = new Requester(registered.id(), registered.organisation(),
                    registered.requesterClass().code(), registered.internal());
            claims = authenticated.claims();
            credential = authenticated.certificateSha256() != null ? "sha256:" + authenticated.certificateSha256()
                    : authenticated.tokenId() != null ? "jti:" + authenticated.tokenId() : "";
        } else if (result instanceof AnonymousRequest && isLocalPlainRequest(headers, connection)) {
            requester = INTERNAL;
            claims = BoundClaims.none();
        } else {
            GuardError error = GuardError.CREDENTIALS_REQUIRED;
            throw new Refusal(error.status(), error.code(), error.issueType(), error.message(),
                    Map.of("WWW-Authenticate", "Bearer"));
        }
        return new Identified(requester, claims, credential);
    }

    /**
     * Decides every resource of a labelled answer and applies the decisions in place.
     *
     * @param answer the labelled resource of a read, or the labelled searchset Bundle of a search or page
     * @return the decision to name in {@link #DECISION_HEADER}: the resource decision of a read, the request
     *     decision of a search or page
     * @throws Refusal if the resource of a read is not released
     * @throws IllegalArgumentException if a resource cannot be redacted; the tree must then not be released
     */
    public Decision release(Admission admission, ResponsePath.Interaction interaction, ObjectNode answer) {
        return release(admission, interaction, answer, null);
    }

    /**
     * As {@link #release(Admission, ResponsePath.Interaction, ObjectNode)}, with the confidentiality of the patient
     * a read resource belongs to (its high-water mark), so that a restricted patient's other records are treated as
     * restricted too.
     *
     * @param patientMark the patient's mark for a read of a resource in a patient's compartment, or {@code null}
     *     when not known or not applicable
     */
    public Decision release(Admission admission, ResponsePath.Interaction interaction, ObjectNode answer,
            Confidentiality patientMark) {
        return release(admission, interaction, answer, patientMark, new RequestRecord(java.time.Instant.now()));
    }

    /** As {@link #release(Admission, ResponsePath.Interaction, ObjectNode, Confidentiality)}, noting what is released. */
    Decision release(Admission admission, ResponsePath.Interaction interaction, ObjectNode answer,
            Confidentiality patientMark, RequestRecord record) {
        if (interaction == ResponsePath.Interaction.READ) {
            ResourceFacts facts = facts(answer);
            if (patientMark != null && facts.patientCompartment()) {
                facts = new ResourceFacts(facts.resourceType(), facts.id(), facts.confidentiality().max(patientMark),
                        facts.labels(), true);
            }
            Decision decision = admission.engine().decideResource(admission.context(), facts);
            record.decided(decision);
            if (!decision.releases()) {
                String subject = subjectOf(answer);
                record.about(subject);
                if (subject != null && facts.confidentiality().compareTo(Confidentiality.R) >= 0) {
                    record.restricted(onRecord(subject, answer));
                }
                throw refusal(decision);
            }
            apply(decision, answer, record);
            return decision;
        }
        boolean dropped = false;
        JsonNode entries = answer.get("entry");
        if (entries instanceof ArrayNode array) {
            for (Iterator<JsonNode> it = array.iterator(); it.hasNext(); ) {
                if (!releaseEntry(admission, it.next(), record)) {
                    it.remove();
                    dropped = true;
                }
            }
        }
        return releaseSearchset(admission, answer, dropped);
    }

    /**
     * Decides one entry of a labelled searchset Bundle and applies the decision to its resource in place, as
     * {@link #release} does for each entry.
     *
     * @param entry the entry, its resource labelled
     * @return whether the entry stays in the answer: {@code false} when its resource is not released and the entry
     *     must be dropped
     * @throws IllegalArgumentException if the resource cannot be redacted; the answer must then not be released
     */
    boolean releaseEntry(Admission admission, JsonNode entry, RequestRecord record) {
        if (!(entry.get("resource") instanceof ObjectNode resource)) {
            return true;
        }
        Decision decision = admission.engine().decideResource(admission.context(), facts(resource));
        if (!decision.releases()) {
            return false;
        }
        apply(decision, resource, record);
        return true;
    }

    /**
     * Finishes a searchset Bundle whose entries have been released: its total goes when an entry was dropped or the
     * requester is an outsider, and an outsider sees only the paging links.
     *
     * @param bundle the Bundle, changed in place (its entries are not looked at)
     * @param dropped whether any entry was dropped
     * @return the decision to name in {@link #DECISION_HEADER}: the request's
     */
    Decision releaseSearchset(Admission admission, ObjectNode bundle, boolean dropped) {
        if (dropped || !admission.internal()) {
            bundle.remove("total");
        }
        if (!admission.internal()) {
            keepPagingLinksOnly(bundle);
        }
        return admission.decision();
    }

    /** Removes a Bundle's links other than {@code self}, {@code next} and {@code previous}: what an outsider sees. */
    private static void keepPagingLinksOnly(ObjectNode bundle) {
        if (bundle.get("link") instanceof ArrayNode links) {
            for (Iterator<JsonNode> it = links.iterator(); it.hasNext(); ) {
                if (!KEPT_LINKS.contains(it.next().path("relation").asText(""))) {
                    it.remove();
                }
            }
        }
    }

    /**
     * Releases the answer to a held request that a reviewer approved: every resource gets the approval's
     * withholding (joined with what the policy in force withholds) and obligations, instead of a fresh decision;
     * totals and foreign links are removed as for any outsider.
     *
     * @return the decision to name in {@link #DECISION_HEADER}
     * @throws IllegalArgumentException if a resource cannot be redacted; the tree must then not be released
     */
    Decision releaseApproved(ResponsePath.Interaction interaction, ObjectNode answer, HeldRequests.State.Approved approved,
            RequestRecord record) {
        PolicyEngine engine = policies.current();
        if (interaction == ResponsePath.Interaction.READ) {
            Decision decision = approvedFor(engine, answer, approved);
            record.decided(decision);
            if (!decision.releases()) {
                throw refusal(decision);
            }
            apply(decision, answer, record);
            return decision;
        }
        Decision last = approvedFor(engine, null, approved);
        if (answer.get("entry") instanceof ArrayNode array) {
            for (Iterator<JsonNode> it = array.iterator(); it.hasNext(); ) {
                JsonNode entry = it.next();
                if (entry.get("resource") instanceof ObjectNode resource) {
                    Decision decision = approvedFor(engine, resource, approved);
                    if (decision.releases()) {
                        apply(decision, resource, record);
                    } else {
                        it.remove();
                    }
                }
            }
        }
        answer.remove("total");
        keepPagingLinksOnly(answer);
        return last;
    }

    /**
     * The decision for one resource of an approved release: the policy in force decides the resource afresh, on the
     * data just fetched; a DENY, or an escalation to another reviewer, refuses it; otherwise it is released
     * withholding the approval's labels and what the current decision withholds, with both sets of obligations.
     *
     * @param resource the resource, or {@code null} for the request as a whole
     */
    private static Decision approvedFor(PolicyEngine engine, ObjectNode resource,
            HeldRequests.State.Approved approved) {
        Decision now = resource == null ? approved.current() : engine.decideResource(approved.context(),
                facts(resource));
        if (now.outcome() == Outcome.DENY || (now.outcome() == Outcome.ESCALATE
                && !now.reviewerRole().equals(approved.current().reviewerRole()))) {
            return now.outcome() == Outcome.DENY ? now : new Decision(Outcome.DENY, now.ruleId(),
                    now.policyVersion(), now.stage(), now.redaction(), Set.of(), Set.of(), "The practice's disclosure "
                    + "policy now refers this record to another reviewer; nothing has been released.", "",
                    org.disclosureguard.policy.PolicyError.DENIED_BY_RULE, now.trace());
        }
        Set<SecurityLabel> withheld = new java.util.LinkedHashSet<>(approved.redaction().withheld());
        withheld.addAll(now.withheld());
        Set<SecurityLabel> obligations = new java.util.LinkedHashSet<>(approved.obligations());
        obligations.addAll(now.obligations());
        return new Decision(withheld.isEmpty() ? Outcome.PERMIT : Outcome.REDACT, now.ruleId(), now.policyVersion(),
                org.disclosureguard.policy.Stage.RESOURCE, new org.disclosureguard.redaction.Redaction(withheld,
                        approved.redaction().suppressTotals()), Set.of(), obligations, "", "", null, List.of());
    }
    /** The value of {@link #DECISION_HEADER} for a decision. */
    public static String headerValue(Decision decision) {
        return decision.ruleId() + "; policy=" + decision.policyVersion();
    }

    private void apply(Decision decision, ObjectNode resource, RequestRecord record) {
        String subject = subjectOf(resource);
        if (subject != null) {
            record.onRecord(onRecord(subject, resource));
        }
        List<org.disclosureguard.redaction.WithheldElement> withheld = List.of();
        if (decision.outcome() == Outcome.REDACT) {
            withheld = redactor.redact(resource, decision.redaction()).withheld();
        }
        addObligations(decision, resource);
        Set<SecurityLabel> labels = new HashSet<>();
        for (JsonNode coding : resource.path("meta").path("security")) {
            if (coding.path("system").isTextual() && coding.path("code").isTextual()) {
                labels.add(new SecurityLabel(coding.path("system").asText(), coding.path("code").asText()));
            }
        }
        collectInlineLabels(resource, labels);
        record.releasing(resource.path("resourceType").asText("Unknown"), resource.path("id").asText(""),
                subjectOf(resource), withheld, labels);
    }

    /** The patient as a resource names them, before any redaction: a Patient's GP and NHS number, else the id. */
    private static PatientOnRecord onRecord(String patientId, ObjectNode resource) {
        if (!"Patient".equals(resource.path("resourceType").asText(null))) {
            return new PatientOnRecord(patientId, "", "");
        }
        String nhsNumber = "";
        for (JsonNode identifier : resource.path("identifier")) {
            if (Vocabulary.NHS_NUMBER.equals(identifier.path("system").asText(null))
                    && identifier.path("value").isTextual()) {
                nhsNumber = identifier.path("value").asText();
                break;
            }
        }
        String gp = resource.path("generalPractitioner").path(0).path("reference").asText("");
        return new PatientOnRecord(patientId, GP_REFERENCE.matcher(gp).matches() ? gp : "", nhsNumber);
    }

    /** The logical id of the patient a resource is about: a Patient's own id, or its subject's or patient's. */
    static String subjectOf(ObjectNode resource) {
        if ("Patient".equals(resource.path("resourceType").asText(null))) {
            String id = resource.path("id").asText("");
            return id.isEmpty() ? null : id;
        }
        return patientId(resource);
    }

    private static void addObligations(Decision decision, ObjectNode resource) {
        if (decision.obligations().isEmpty()) {
            return;
        }
        ObjectNode meta = resource.get("meta") instanceof ObjectNode m ? m : resource.putObject("meta");
        ArrayNode security = meta.get("security") instanceof ArrayNode s ? s : meta.putArray("security");
        Set<SecurityLabel> present = new HashSet<>();
        for (JsonNode coding : security) {
            if (coding.path("system").isTextual() && coding.path("code").isTextual()) {
                present.add(new SecurityLabel(coding.path("system").asText(), coding.path("code").asText()));
            }
        }
        decision.obligations().stream()
                .sorted((a, b) -> a.toString().compareTo(b.toString()))
                .filter(present::add)
                .forEach(label -> security.addObject().put("system", label.system()).put("code", label.code()));
    }

    /**
     * What the policy knows about one labelled resource. Its confidentiality is the highest v3-Confidentiality
     * code in {@code meta.security}; an unknown code counts as V (fail closed); none at all counts as N, the
     * labeller's baseline (resources the labeller does not label, such as an Encounter, carry none; a restricted
     * patient's records are caught through the patient's own mark).
     */
    static ResourceFacts facts(ObjectNode resource) {
        String type = resource.path("resourceType").asText("");
        Confidentiality level = null;
        for (JsonNode coding : resource.path("meta").path("security")) {
            if (Vocabulary.CONFIDENTIALITY.equals(coding.path("system").asText(null))) {
                Confidentiality c = Confidentiality.fromCodeFailClosed(coding.path("code").asText(null));
                level = level == null ? c : level.max(c);
            }
        }
        Set<SecurityLabel> labels = new HashSet<>();
        collectInlineLabels(resource, labels);
        boolean compartment = type.equals("Patient") || type.equals("RelatedPerson")
                || isPatientReference(resource.path("subject")) || isPatientReference(resource.path("patient"));
        return new ResourceFacts(type.isEmpty() ? "Unknown" : type, resource.path("id").asText(""),
                level == null ? Confidentiality.N : level, labels, compartment);
    }

    private static boolean isPatientReference(JsonNode reference) {
        return reference.path("reference").asText("").contains("Patient/");
    }

    /**
     * The logical id of the patient a resource (other than a Patient) belongs to, from a relative
     * {@code subject} or {@code patient} reference {@code Patient/<id>}; or {@code null}.
     */
    static String patientId(ObjectNode resource) {
        if ("Patient".equals(resource.path("resourceType").asText(null))) {
            return null;
        }
        for (String field : List.of("subject", "patient")) {
            String reference = resource.path(field).path("reference").asText("");
            if (PATIENT_REFERENCE.matcher(reference).matches()) {
                return reference.substring("Patient/".length());
            }
        }
        return null;
    }

    /**
     * Whether a read answer needs its patient's mark: an outsider reads a resource that names a patient in its
     * {@code subject} or {@code patient}.
     */
    public static boolean needsPatientMark(Admission admission, ObjectNode resource) {
        return !admission.internal() && facts(resource).patientCompartment()
                && !"Patient".equals(resource.path("resourceType").asText(null));
    }

    /** The confidentiality high-water mark in a labelled resource's {@code meta.security} (see {@link #facts}). */
    public static Confidentiality mark(ObjectNode resource) {
        return facts(resource).confidentiality();
    }

    private static void collectInlineLabels(JsonNode node, Set<SecurityLabel> labels) {
        if (node.isObject()) {
            if (Vocabulary.INLINE_LABEL_EXTENSION.equals(node.path("url").asText(null))) {
                JsonNode coding = node.path("valueCoding");
                if (coding.path("system").isTextual() && coding.path("code").isTextual()
                        && !coding.path("system").asText().isBlank() && !coding.path("code").asText().isBlank()) {
                    labels.add(new SecurityLabel(coding.path("system").asText(), coding.path("code").asText()));
                }
                return;
            }
            node.forEach(child -> collectInlineLabels(child, labels));
        } else if (node.isArray()) {
            node.forEach(child -> collectInlineLabels(child, labels));
        }
    }

    private static Refusal refusal(Decision decision) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(DECISION_HEADER, headerValue(decision));
        String code = decision.code() == null ? "DG-2102" : decision.code().code();
        String text;
        if (decision.outcome() == Outcome.ESCALATE) {
            String reviewer = decision.reviewerRole().isEmpty() ? "a reviewer" : decision.reviewerRole();
            text = (decision.reason().isEmpty() ? "" : decision.reason() + " ")
                    + "This request is held for review by the practice's " + reviewer + "; nothing has been "
                    + "released.";
        } else {
            text = decision.reason().isEmpty() ? "The practice's disclosure policy does not release this."
                    : decision.reason();
        }
        return new Refusal(403, code, "forbidden", text, headers);
    }

    /** Whether an anonymous request may be the practice's own: plain HTTP from loopback, no identity headers. */
    public static boolean isLocalPlainRequest(Map<String, String> headers, Connection connection) {
        if (connection.secure() || (connection.clientChain() != null && connection.clientChain().length > 0)) {
            return false;
        }
        if (headers != null) {
            for (String name : headers.keySet()) {
                String lower = name.toLowerCase(Locale.ROOT);
                if (lower.startsWith("x-dg-") || lower.startsWith("x-forwarded-") || lower.equals("forwarded")
                        || lower.equals("authorization") || lower.equals("via")
                        || RequesterAuthenticator.FORWARDED_IDENTITY_HEADERS.stream()
                                .anyMatch(h -> h.equalsIgnoreCase(name))) {
                    return false;
                }
            }
        }
        return isLoopback(connection.remoteAddress());
    }

    /** Whether an IP literal is a loopback address (127.0.0.0/8, ::1). Host names are never resolved. */
    static boolean isLoopback(String address) {
        if (address == null || address.isBlank() || !IP_LITERAL.matcher(address).matches()) {
            return false;
        }
        String literal = address.startsWith("[") && address.endsWith("]")
                ? address.substring(1, address.length() - 1)
                : address;
        int zone = literal.indexOf('%');
        if (zone >= 0) {
            literal = literal.substring(0, zone);
        }
        if (literal.indexOf(':') < 0 && !literal.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
            return false;
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static Interaction interaction(ResponsePath.Interaction interaction) {
        return switch (interaction) {
            case READ -> Interaction.READ;
            case SEARCH -> Interaction.SEARCH;
            case PAGE -> Interaction.PAGE;
        };
    }

    /** The parameters sent upstream (without the guard's own {@code _format} and {@code _pretty}). */
    private static Map<String, List<String>> forwardedParameters(ResponsePath.Inbound request) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (request.interaction() == ResponsePath.Interaction.READ || request.parameters() == null) {
            return params;
        }
        request.parameters().forEach((name, values) -> {
            if (!ResponsePath.LOCAL_PARAMETERS.contains(name)) {
                params.put(name, values == null ? List.of() : new ArrayList<>(List.of(values)));
            }
        });
        return params;
    }
}
