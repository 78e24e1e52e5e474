package org.disclosureguard.audit.fhir;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.AuditOutcome;
import org.disclosureguard.profiles.FhirProfiles;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentNetworkComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentNetworkType;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

/**
 * Builds the FHIR R4 AuditEvents of one {@link AuditEntry}, following the IHE Basic Audit Log Patterns (BALP):
 *
 * <ul>
 *   <li>the <b>interaction</b>: a read as {@code IHE.BasicAudit.PatientRead}, a search or a page of one as
 *       {@code IHE.BasicAudit.PatientQuery}, one event per patient the entry is about ({@code .Read} / {@code .Query}
 *       when it is about none);
 *   <li>the <b>decision</b>: {@code IHE.BasicAudit.AuthZconsent}, one per patient, naming the rule, the policy
 *       version, the outcome, the purpose of use and the legal basis;
 *   <li>the <b>disclosure</b>, only when {@link AuditEntry#disclosure()}: {@code IHE.BasicAudit.PrivacyDisclosure.Source},
 *       one per patient, naming the recipient, the patient and the resources released.
 * </ul>
 *
 * <p>The BALP profiles fix the outcome of a read or search event to success and require a patient for the decision
 * and the disclosure. An event that cannot conform (a refused or failed interaction, a decision about no patient) is
 * still emitted, with the same shape and its true outcome, but does not claim the profile in {@code meta.profile}.
 * The full mapping is in {@code docs/accounting-and-report.md}.
 *
 * <p>Ids are stable: a name-based UUID of the request id, the event's role and the patient, so exporting the same
 * entry twice gives the same resources. The entry has no network address of the requester; the agents' {@code network}
 * elements that BALP requires carry a {@code data-absent-reason} of {@code unknown}.
 *
 * <p>Stateless and thread-safe; every call returns new, independent resources.
 */
public final class AuditEvents {

    /** Identifier system of a guard instance (the audit source). */
    public static final String GUARD_INSTANCE_SYSTEM = FhirProfiles.CANONICAL_BASE + "Id/guard-instance";

    /** Identifier system of a registered requester's id. */
    public static final String REQUESTER_SYSTEM = FhirProfiles.CANONICAL_BASE + "Id/requester";

    /** Identifier system of a requesting officer as bound to a request. */
    public static final String OFFICER_SYSTEM = FhirProfiles.CANONICAL_BASE + "Id/requesting-officer";

    /** Identifier system of a policy version ({@code sha256:...}). */
    public static final String POLICY_VERSION_SYSTEM = FhirProfiles.CANONICAL_BASE + "Id/policy-version";

    /** Identifier system of the guard's request ids (also the value of X-Request-Id entities). */
    public static final String REQUEST_ID_SYSTEM = FhirProfiles.CANONICAL_BASE + "Id/request";

    /** CodeSystem of the {@code entity.detail.type} values the guard writes (rule, legal-basis, withheld, ...). */
    public static final String DETAIL_TYPE_SYSTEM = FhirProfiles.CANONICAL_BASE + "audit-detail";

    static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
    static final String SCT = "http://snomed.info/sct";
    private static final String AUDIT_EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
    private static final String RESTFUL_INTERACTION = "http://hl7.org/fhir/restful-interaction";
    private static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    private static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
    private static final String PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
    private static final String ROLE_CLASS = "http://terminology.hl7.org/CodeSystem/v3-RoleClass";
    private static final String SECURITY_ROLE_TYPE = "http://terminology.hl7.org/CodeSystem/extra-security-role-type";
    private static final String SECURITY_SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type";
    private static final String LIFECYCLE = "http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle";
    private static final String RESOURCE_TYPES = "http://hl7.org/fhir/resource-types";
    private static final String USER_AGENT_TYPES = FhirProfiles.BALP_BASE + "CodeSystem/UserAgentTypes";
    private static final String DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";
    private static final String ODS = "https://fhir.nhs.uk/Id/ods-organization-code";

    private static final Set<String> READS = Set.of("read", "vread");
    private static final Set<String> SEARCHES = Set.of("search-type", "search-system", "search", "page");
    private static final Set<String> RESTFUL_CODES = Set.of("read", "vread", "update", "patch", "delete", "history",
            "history-instance", "history-type", "history-system", "create", "search", "search-type", "search-system",
            "capabilities", "transaction", "batch", "operation");
    private static final Pattern ODS_CODE = Pattern.compile("[A-Z0-9]{3,10}");

    /** What an event records, part of its stable id. */
    enum Role {
        INTERACTION("interaction"),
        DECISION("decision"),
        DISCLOSURE("disclosure");

        final String key;

        Role(String key) {
            this.key = key;
        }
    }

    private AuditEvents() {}

    /**
     * The AuditEvents of one entry: the interaction events, then the decision events, then (for a disclosure) the
     * disclosure events, each group in patient order.
     *
     * @param entry the audited request, not {@code null}
     * @return a new, non-empty, modifiable list
     */
    public static List<AuditEvent> from(AuditEntry entry) {
        List<String> patients = entry.patients().isEmpty() ? Collections.singletonList(null)
                : entry.patients();
        List<AuditEvent> events = new ArrayList<>();
        for (String patient : patients) {
            events.add(interaction(entry, patient));
        }
        for (String patient : patients) {
            events.add(decision(entry, patient));
        }
        if (entry.disclosure()) {
            for (String patient : patients) {
                events.add(disclosure(entry, patient));
            }
        }
        return events;
    }

    /** The stable logical id of one event of an entry. */
    static String id(AuditEntry entry, Role role, String patient) {
        String name = entry.requestId() + "|" + role.key + "|" + (patient == null ? "" : patient);
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    // ---- the interaction ----

    private static AuditEvent interaction(AuditEntry entry, String patient) {
        boolean read = READS.contains(entry.interaction());
        boolean search = SEARCHES.contains(entry.interaction());
        boolean success = entry.outcome().released();
        AuditEvent event = base(entry, Role.INTERACTION, patient);
        event.setType(coding(AUDIT_EVENT_TYPE, "rest", "Restful Operation"));
        String subtype = entry.interaction().equals("page") ? "search-type" : entry.interaction();
        if (RESTFUL_CODES.contains(subtype)) {
            event.addSubtype(coding(RESTFUL_INTERACTION, subtype, null));
        }
        event.setAction(search ? AuditEventAction.E : AuditEventAction.R);
        outcome(event, entry);
        if (!entry.purposeOfUse().isEmpty()) {
            event.addPurposeOfEvent(Terms.purposeConcept(entry.purposeOfUse()));
        }

        // BALP: for a read the client is the destination of the data, for a query the source of the parameters.
        String clientRole = search ? "110153" : "110152";
        String serverRole = search ? "110152" : "110153";
        event.addAgent(clientAgent(entry, clientRole));
        AuditEventAgentComponent server = event.addAgent()
                .setType(codeable(DCM, serverRole, search ? "Destination Role ID" : "Source Role ID"))
                .setWho(guard(entry))
                .setRequestor(false);
        server.setNetwork(new AuditEventAgentNetworkComponent()
                .setAddress(instance(entry)).setType(AuditEventAgentNetworkType._1));
        event.addAgent(userAgent(entry));

        event.addEntity(transactionEntity(entry));
        if (search) {
            AuditEventEntityComponent query = event.addEntity()
                    .setType(coding(ENTITY_TYPE, "2", "System Object"))
                    .setRole(coding(OBJECT_ROLE, "24", "Query"))
                    .setQuery(entry.target().getBytes(StandardCharsets.UTF_8))
                    .setDescription(entry.target());
            labels(entry, query);
        } else {
            AuditEventEntityComponent data = event.addEntity()
                    .setType(coding(ENTITY_TYPE, "2", "System Object"))
                    .setRole(coding(OBJECT_ROLE, "4", "Domain Resource"))
                    .setWhat(targetReference(entry));
            labels(entry, data);
        }
        if (patient != null) {
            event.addEntity(patientEntity(patient));
        }
        if (success && (read || search)) {
            String profile = read
                    ? (patient != null ? FhirProfiles.BALP_PATIENT_READ : FhirProfiles.BALP_READ)
                    : (patient != null ? FhirProfiles.BALP_PATIENT_QUERY : FhirProfiles.BALP_QUERY);
            event.getMeta().addProfile(profile);
        }
        return event;
    }

    // ---- the decision ----

    private static AuditEvent decision(AuditEntry entry, String patient) {
        AuditEvent event = base(entry, Role.DECISION, patient);
        event.setType(coding(DCM, "110113", "Security Alert"));
        event.addSubtype(coding(FhirProfiles.BALP_AUTHZ_SUBTYPE_CODE_SYSTEM, "AuthZ-Consent", null));
        event.setAction(AuditEventAction.E);
        outcome(event, entry);
        if (!entry.purposeOfUse().isEmpty()) {
            event.addPurposeOfEvent(Terms.purposeConcept(entry.purposeOfUse()));
        }

        AuditEventAgentComponent client = event.addAgent()
                .setType(codeable(DCM, "110150", "Application"))
                .setWho(requester(entry))
                .setRequestor(false)
                .setNetwork(absentNetwork());
        if (entry.credential().startsWith("jti:")) {
            client.addPolicy(jtiUrn(entry));
        }
        AuditEventAgentComponent user = event.addAgent()
                .setType(codeable(PARTICIPATION_TYPE, "IRCP", "information recipient"))
                .setWho(user(entry))
                .setRequestor(true);
        if (!entry.requestingOfficer().isEmpty()) {
            user.setName(entry.requestingOfficer());
        }
        Coding requesterClass = Terms.requesterClassCoding(entry.requesterClass());
        if (requesterClass != null) {
            user.addRole(new CodeableConcept(requesterClass));
        }
        if (!entry.purposeOfUse().isEmpty()) {
            user.addPurposeOfUse(Terms.purposeConcept(entry.purposeOfUse()));
        }
        event.addAgent()
                .setType(codeable(ROLE_CLASS, "PROV", "healthcare provider"))
                .setWho(organisation(entry))
                .setRequestor(false);
        event.addAgent()
                .setType(codeable(SECURITY_ROLE_TYPE, "authserver", "authorization server"))
                .setWho(guard(entry))
                .setRequestor(false);
        if (!entry.reviewer().isEmpty()) {
            event.addAgent(reviewerAgent(entry));
        }

        if (patient != null) {
            event.addEntity(patientEntity(patient));
        }
        if (!entry.policyVersion().isEmpty()) {
            event.addEntity(policyEntity(entry));
        }
        if (entry.credential().startsWith("jti:")) {
            event.addEntity()
                    .setType(coding(USER_AGENT_TYPES, "UserOauthAgent", null))
                    .setWhat(new Reference().setIdentifier(new Identifier().setValue(jtiUrn(entry))));
        }
        if (patient != null && !entry.policyVersion().isEmpty()) {
            event.getMeta().addProfile(FhirProfiles.BALP_AUTHZ_CONSENT);
        }
        return event;
    }

    // ---- the disclosure ----

    private static AuditEvent disclosure(AuditEntry entry, String patient) {
        AuditEvent event = base(entry, Role.DISCLOSURE, patient);
        event.setType(coding(DCM, "110106", "Export"));
        event.addSubtype(coding(LIFECYCLE, "disclose", null));
        String interaction = entry.interaction().equals("page") ? "search-type" : entry.interaction();
        if (RESTFUL_CODES.contains(interaction)) {
            event.addSubtype(coding(RESTFUL_INTERACTION, interaction, null));
        }
        event.setAction(AuditEventAction.R);
        outcome(event, entry);
        if (!entry.purposeOfUse().isEmpty()) {
            event.addPurposeOfEvent(Terms.purposeConcept(entry.purposeOfUse()));
        }

        event.addAgent()
                .setType(codeable(DCM, "110153", "Source Role ID"))
                .setWho(guard(entry))
                .setRequestor(false)
                .setNetwork(new AuditEventAgentNetworkComponent()
                        .setAddress(instance(entry)).setType(AuditEventAgentNetworkType._1));
        AuditEventAgentComponent recipient = event.addAgent()
                .setType(codeable(DCM, "110152", "Destination Role ID"))
                .setWho(organisation(entry))
                .setRequestor(false)
                .setNetwork(absentNetwork());
        Coding requesterClass = Terms.requesterClassCoding(entry.requesterClass());
        if (requesterClass != null) {
            recipient.addRole(new CodeableConcept(requesterClass));
        }
        if (!entry.reviewer().isEmpty()) {
            event.addAgent(reviewerAgent(entry));
        }
        event.addAgent(userAgent(entry));

        if (patient != null) {
            event.addEntity(patientEntity(patient));
        }
        for (String released : entry.released()) {
            if (patient != null && released.startsWith("Patient/") && !released.equals("Patient/" + patient)) {
                continue; // another patient's record: it belongs to that patient's disclosure event
            }
            AuditEventEntityComponent data = event.addEntity()
                    .setType(coding(ENTITY_TYPE, "2", "System Object"))
                    .setRole(coding(OBJECT_ROLE, "4", "Domain Resource"))
                    .setWhat(new Reference(released));
            labels(entry, data);
            for (String withheld : entry.withheld()) {
                if (withheld.startsWith(released + " ")) {
                    detail(data, "withheld", withheld.substring(released.length() + 1));
                }
            }
        }
        if (!entry.policyVersion().isEmpty()) {
            event.addEntity(policyEntity(entry));
        }
        if (patient != null) {
            event.getMeta().addProfile(FhirProfiles.BALP_PRIVACY_DISCLOSURE_SOURCE);
        }
        return event;
    }

    // ---- shared parts ----

    private static AuditEvent base(AuditEntry entry, Role role, String patient) {
        AuditEvent event = new AuditEvent();
        event.setId(id(entry, role, patient));
        event.setRecorded(Date.from(entry.time()));
        event.getSource()
                .setSite(instance(entry))
                .setObserver(guard(entry))
                .addType(coding(SECURITY_SOURCE_TYPE, "4", "Application Server"));
        return event;
    }

    private static void outcome(AuditEvent event, AuditEntry entry) {
        AuditOutcome outcome = entry.outcome();
        event.setOutcome(switch (outcome) {
            case PERMIT, REDACT -> AuditEventOutcome._0;
            case DENY, ESCALATE, REFUSED -> AuditEventOutcome._4;
            case FAILED -> AuditEventOutcome._8;
        });
        StringBuilder desc = new StringBuilder(outcome.code());
        if (!entry.ruleId().isEmpty()) {
            desc.append(" by rule ").append(entry.ruleId());
        }
        if (!entry.policyVersion().isEmpty()) {
            desc.append(" of policy ").append(entry.policyVersion());
        }
        if (!entry.code().isEmpty()) {
            desc.append(" (").append(entry.code()).append(')');
        }
        if (!entry.withheld().isEmpty()) {
            desc.append("; ").append(entry.withheld().size()).append(" element(s) withheld");
        }
        desc.append("; HTTP ").append(entry.status());
        event.setOutcomeDesc(desc.toString());
    }

    private static AuditEventAgentComponent clientAgent(AuditEntry entry, String role) {
        AuditEventAgentComponent client = new AuditEventAgentComponent()
                .setType(codeable(DCM, role, role.equals("110153") ? "Source Role ID" : "Destination Role ID"))
                .setWho(requester(entry))
                .setRequestor(false)
                .setNetwork(absentNetwork());
        if (!entry.credential().isEmpty()) {
            client.setAltId(entry.credential());
        }
        return client;
    }

    private static AuditEventAgentComponent userAgent(AuditEntry entry) {
        AuditEventAgentComponent user = new AuditEventAgentComponent()
                .setType(codeable(PARTICIPATION_TYPE, "IRCP", "information recipient"))
                .setWho(user(entry))
                .setRequestor(true);
        if (!entry.requestingOfficer().isEmpty()) {
            user.setName(entry.requestingOfficer());
        }
        Coding requesterClass = Terms.requesterClassCoding(entry.requesterClass());
        if (requesterClass != null) {
            user.addRole(new CodeableConcept(requesterClass));
        }
        if (!entry.purposeOfUse().isEmpty()) {
            user.addPurposeOfUse(Terms.purposeConcept(entry.purposeOfUse()));
        }
        return user;
    }

    private static AuditEventAgentComponent reviewerAgent(AuditEntry entry) {
        // BALP's "authorizer" of a disclosure: who decided for the patient's side. Here the practice's reviewer.
        return new AuditEventAgentComponent()
                .setType(codeable(SCT, "429577009", "Patient advocate"))
                .setWho(new Reference().setDisplay(entry.reviewer()))
                .setRequestor(false);
    }

    private static AuditEventEntityComponent transactionEntity(AuditEntry entry) {
        return new AuditEventEntityComponent()
                .setType(coding(FhirProfiles.BALP_ENTITY_TYPE_CODE_SYSTEM, "XrequestId", null))
                .setWhat(new Reference().setIdentifier(
                        new Identifier().setSystem(REQUEST_ID_SYSTEM).setValue(entry.requestId())));
    }

    /**
     * The patient entity: a reference to the patient, or, for a patient the request named only by an identifier
     * ({@code system|value} in {@link AuditEntry#patients()}), a logical reference by that identifier.
     */
    private static AuditEventEntityComponent patientEntity(String patient) {
        int bar = patient.indexOf('|');
        Reference what = bar > 0
                ? new Reference().setType("Patient").setIdentifier(new Identifier()
                        .setSystem(patient.substring(0, bar)).setValue(patient.substring(bar + 1)))
                : new Reference("Patient/" + patient);
        return new AuditEventEntityComponent()
                .setType(coding(ENTITY_TYPE, "1", "Person"))
                .setRole(coding(OBJECT_ROLE, "1", "Patient"))
                .setWhat(what);
    }

    private static void labels(AuditEntry entry, AuditEventEntityComponent entity) {
        for (String label : entry.labels()) {
            int bar = label.indexOf('|');
            if (bar > 0 && bar < label.length() - 1) {
                entity.addSecurityLabel(new Coding(label.substring(0, bar), label.substring(bar + 1), null));
            }
        }
    }

    private static void detail(AuditEventEntityComponent entity, String type, String value) {
        if (!value.isEmpty()) {
            entity.addDetail().setType(DETAIL_TYPE_SYSTEM + "#" + type).setValue(new StringType(value));
        }
    }

    /** The practice's disclosure policy as the "consent" BALP's AuthZconsent requires: the rules decided. */
    private static AuditEventEntityComponent policyEntity(AuditEntry entry) {
        AuditEventEntityComponent policy = new AuditEventEntityComponent()
                .setType(coding(RESOURCE_TYPES, "Consent", "Consent"))
                .setWhat(new Reference()
                        .setIdentifier(new Identifier().setSystem(POLICY_VERSION_SYSTEM).setValue(entry.policyVersion()))
                        .setDisplay("Disclosure policy " + entry.policyVersion()))
                .setDescription("The practice's disclosure policy, applied by rule "
                        + (entry.ruleId().isEmpty() ? "(none)" : entry.ruleId()));
        detail(policy, "rule", entry.ruleId());
        detail(policy, "outcome", entry.outcome().code());
        Coding basis = Terms.legalBasisCoding(entry.legalBasis());
        detail(policy, "legal-basis", basis == null ? entry.legalBasis() : basis.getSystem() + "|" + basis.getCode());
        detail(policy, "code", entry.code());
        detail(policy, "review-case", entry.reviewCase());
        return policy;
    }

    private static Reference targetReference(AuditEntry entry) {
        String path = entry.target();
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        if (path.matches("[A-Z][A-Za-z]+/[A-Za-z0-9\\-.]{1,64}(/_history/[A-Za-z0-9\\-.]{1,64})?")) {
            return new Reference(path);
        }
        return new Reference().setDisplay(entry.target().isEmpty() ? "(no target)" : entry.target());
    }

    private static Reference guard(AuditEntry entry) {
        return new Reference()
                .setIdentifier(new Identifier().setSystem(GUARD_INSTANCE_SYSTEM).setValue(instance(entry)))
                .setDisplay("Disclosure Guard " + instance(entry));
    }

    private static Reference requester(AuditEntry entry) {
        String id = entry.requesterId().isBlank() ? "unknown" : entry.requesterId();
        return new Reference().setIdentifier(new Identifier().setSystem(REQUESTER_SYSTEM).setValue(id));
    }

    private static Reference user(AuditEntry entry) {
        if (entry.requestingOfficer().isBlank()) {
            return requester(entry);
        }
        return new Reference()
                .setIdentifier(new Identifier().setSystem(OFFICER_SYSTEM).setValue(entry.requestingOfficer()))
                .setDisplay(entry.requestingOfficer());
    }

    private static Reference organisation(AuditEntry entry) {
        String org = entry.organisation().strip();
        if (org.isEmpty()) {
            return requester(entry);
        }
        if (ODS_CODE.matcher(org).matches()) {
            return new Reference().setIdentifier(new Identifier().setSystem(ODS).setValue(org));
        }
        return new Reference().setDisplay(org);
    }

    private static AuditEventAgentNetworkComponent absentNetwork() {
        AuditEventAgentNetworkComponent network = new AuditEventAgentNetworkComponent();
        network.addExtension(DATA_ABSENT_REASON, new CodeType("unknown"));
        return network;
    }

    private static String instance(AuditEntry entry) {
        return entry.instance().isBlank() ? "unknown" : entry.instance();
    }

    private static String jtiUrn(AuditEntry entry) {
        return "urn:ietf:params:oauth:jti:" + entry.credential().substring("jti:".length());
    }

    private static Coding coding(String system, String code, String display) {
        return new Coding(system, code, display);
    }

    private static CodeableConcept codeable(String system, String code, String display) {
        return new CodeableConcept(new Coding(system, code, display));
    }
}
