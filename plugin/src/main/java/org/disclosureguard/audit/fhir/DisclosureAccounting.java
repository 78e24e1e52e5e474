package org.disclosureguard.audit.fhir;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.AuditOutcome;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;

/**
 * The accounting of disclosures for one patient: what left the practice about them, to whom, when, why and on what
 * basis, and which outside requests about them were refused or held for review. Built from the audit entries about
 * that patient (an entry is about the patient when its {@code patients} name them, or, for a request refused before
 * the practice server was asked, when its target is their {@code Patient/<id>}). The practice's own access is not a
 * disclosure and is left out of both views.
 *
 * <p>Two views: {@link #bundle} (a FHIR {@code collection} Bundle of the BALP AuditEvents, for systems) and
 * {@link #html} (a self-contained, printable page a practice can hand to the patient). Neither mentions any other
 * patient: events about other patients of the same search, and other patients' records in its response, are left
 * out. Stateless and thread-safe; the inputs are not modified.
 */
public final class DisclosureAccounting {

    /**
     * What the page says about whom, and in which time zone it gives times.
     *
     * @param practiceName the practice's name as printed in the heading, not {@code null}
     * @param patientLabel how the page names the patient (name and NHS number, as the practice chooses), not
     *     {@code null}
     * @param zone the zone for dates and times (the practice's, normally {@code Europe/London}), not {@code null}
     */
    public record Heading(String practiceName, String patientLabel, ZoneId zone) {
        public Heading {
            Objects.requireNonNull(practiceName, "practiceName");
            Objects.requireNonNull(patientLabel, "patientLabel");
            Objects.requireNonNull(zone, "zone");
        }
    }

    private DisclosureAccounting() {}

    /** The external entries about the patient, oldest first. */
    static List<AuditEntry> about(String patientId, List<AuditEntry> entries) {
        return about(patientId, Set.of(), entries);
    }

    /**
     * The external entries about the patient, oldest first: those naming the patient's id, or one of the patient's
     * identifiers ({@code system|value}) for a request that released nothing and named the patient only by it.
     */
    static List<AuditEntry> about(String patientId, Set<String> identifiers, List<AuditEntry> entries) {
        requirePatientId(patientId);
        return entries.stream()
                .filter(e -> !e.internal())
                .filter(e -> concerns(e, patientId) || e.patients().stream().anyMatch(identifiers::contains))
                .sorted(Comparator.comparing(AuditEntry::time).thenComparing(AuditEntry::requestId))
                .toList();
    }

    /**
     * The AuditEvents about the patient from every outside request about them, as a FHIR {@code collection} Bundle,
     * oldest first. Its id and timestamp derive from the entries (the newest entry's time), not from a clock.
     *
     * @param patientId the patient's logical id, not blank
     * @param entries audit entries in any order, any patients; not {@code null}
     */
    public static Bundle bundle(String patientId, List<AuditEntry> entries) {
        return bundle(patientId, Set.of(), entries);
    }

    /**
     * As {@link #bundle(String, List)}, also counting the requests that named the patient only by one of the given
     * identifiers ({@code system|value}, as {@link AuditEntry#patients()} records them).
     */
    public static Bundle bundle(String patientId, Set<String> identifiers, List<AuditEntry> entries) {
        List<AuditEntry> about = about(patientId, identifiers, entries);
        Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
        bundle.setId(java.util.UUID.nameUUIDFromBytes(("accounting|" + patientId + "|" + about.size() + "|"
                + (about.isEmpty() ? "" : about.get(about.size() - 1).requestId()))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString());
        if (!about.isEmpty()) {
            bundle.setTimestamp(Date.from(about.get(about.size() - 1).time()));
        }
        for (AuditEntry entry : about) {
            for (AuditEvent event : AuditEvents.from(entry)) {
                if (isAboutOnlyThisPatientOrNone(event, patientId, identifiers)) {
                    bundle.addEntry()
                            .setFullUrl("urn:uuid:" + event.getIdElement().getIdPart())
                            .setResource(event);
                }
            }
        }
        return bundle;
    }

    /**
     * The printable page for the patient: every disclosure to an outside party, then the refused requests, then the
     * requests held for review and what became of them, then what the terms used mean.
     *
     * @param patientId the patient's logical id, not blank
     * @param entries audit entries in any order, any patients; not {@code null}
     * @param heading the practice, the patient's printed name and the time zone
     * @return a complete HTML document (UTF-8 text)
     */
    public static String html(String patientId, List<AuditEntry> entries, Heading heading) {
        return html(patientId, Set.of(), entries, heading);
    }

    /**
     * As {@link #html(String, List, Heading)}, also counting the requests that named the patient only by one of the
     * given identifiers ({@code system|value}).
     */
    public static String html(String patientId, Set<String> identifiers, List<AuditEntry> entries, Heading heading) {
        List<AuditEntry> about = about(patientId, identifiers, entries);
        ZoneId zone = heading.zone();
        Map<String, AuditEntry> reviews = reviewDecisions(about);
        Set<String> purposes = new LinkedHashSet<>();
        Set<String> bases = new LinkedHashSet<>();

        StringBuilder body = new StringBuilder();
        body.append("<header>\n<h1>Who your information has been shared with</h1>\n");
        body.append("<p class=\"meta\">").append(Html.escape(heading.practiceName()))
                .append(" &middot; prepared for ").append(Html.escape(heading.patientLabel())).append("</p>\n");
        if (!about.isEmpty()) {
            body.append("<p class=\"meta\">Covers requests from ")
                    .append(Html.escape(Html.dateTime(about.get(0).time(), zone))).append(" to ")
                    .append(Html.escape(Html.dateTime(about.get(about.size() - 1).time(), zone))).append(".</p>\n");
        }
        body.append("</header>\n");
        body.append("<p class=\"lead\">This page lists every time the practice's records about you were released to an "
                + "organisation outside the practice, and every request for them that was refused or held for review. "
                + "Looking at your record for your own care, by the practice's own staff, is not listed here.</p>\n");

        // ---- disclosures ----
        List<AuditEntry> disclosures = about.stream().filter(AuditEntry::disclosure).toList();
        body.append("<section id=\"disclosures\">\n<h2>When your information was shared</h2>\n");
        if (disclosures.isEmpty()) {
            body.append("<p class=\"none\">No information about you was shared with an organisation outside the "
                    + "practice.</p>\n");
        } else {
            body.append("<table>\n<thead><tr><th scope=\"col\">When</th><th scope=\"col\">Who received it</th>"
                    + "<th scope=\"col\">What was shared</th><th scope=\"col\">What was held back</th>"
                    + "<th scope=\"col\">Why they asked</th><th scope=\"col\">Legal basis</th>"
                    + "<th scope=\"col\">Approved by</th></tr></thead>\n<tbody>\n");
            for (AuditEntry e : disclosures) {
                purposes.add(e.purposeOfUse());
                bases.add(e.legalBasis());
                body.append("<tr><td>").append(Html.escape(Html.dateTime(e.time(), zone))).append("</td><td>")
                        .append(who(e)).append("</td><td>").append(list(shared(e, patientId))).append("</td><td>")
                        .append(list(withheld(e, patientId), "Nothing")).append("</td><td>")
                        .append(Html.escape(Terms.sentence(Terms.purpose(e.purposeOfUse())))).append("</td><td>")
                        .append(Html.escape(Terms.sentence(Terms.legalBasis(e.legalBasis())))).append("</td><td>")
                        .append(e.reviewer().isEmpty()
                                ? "Allowed by the practice's disclosure policy"
                                : Html.escape(e.reviewer()) + " (reviewed)")
                        .append("</td></tr>\n");
            }
            body.append("</tbody>\n</table>\n");
        }
        body.append("</section>\n");

        // ---- refused ----
        List<AuditEntry> refused = about.stream()
                .filter(e -> e.outcome() == AuditOutcome.DENY || e.outcome() == AuditOutcome.REFUSED)
                .filter(e -> e.reviewCase().isEmpty() || !reviews.containsKey(e.reviewCase())
                        || reviews.get(e.reviewCase()) != e)
                .toList();
        body.append("<section id=\"refused\">\n<h2>Requests that were refused</h2>\n");
        if (refused.isEmpty()) {
            body.append("<p class=\"none\">No request for your information was refused.</p>\n");
        } else {
            body.append("<p>Nothing was released for these requests.</p>\n");
            body.append("<table>\n<thead><tr><th scope=\"col\">When</th><th scope=\"col\">Who asked</th>"
                    + "<th scope=\"col\">Why they asked</th><th scope=\"col\">Legal basis they gave</th>"
                    + "<th scope=\"col\">Why it was refused</th></tr></thead>\n<tbody>\n");
            for (AuditEntry e : refused) {
                purposes.add(e.purposeOfUse());
                bases.add(e.legalBasis());
                body.append("<tr><td>").append(Html.escape(Html.dateTime(e.time(), zone))).append("</td><td>")
                        .append(who(e)).append("</td><td>")
                        .append(Html.escape(Terms.sentence(Terms.purpose(e.purposeOfUse())))).append("</td><td>")
                        .append(Html.escape(Terms.sentence(Terms.legalBasis(e.legalBasis())))).append("</td><td>")
                        .append(Html.escape(Terms.sentence(Terms.refusal(e.code()))));
                if (Terms.isGuardCode(e.code())) {
                    body.append(" <span class=\"meta\">(reference ").append(Html.escape(e.code())).append(")</span>");
                }
                body.append("</td></tr>\n");
            }
            body.append("</tbody>\n</table>\n");
        }
        body.append("</section>\n");

        // ---- held for review ----
        List<AuditEntry> escalated = about.stream().filter(e -> e.outcome() == AuditOutcome.ESCALATE).toList();
        body.append("<section id=\"reviewed\">\n<h2>Requests held for review</h2>\n");
        if (escalated.isEmpty()) {
            body.append("<p class=\"none\">No request for your information needed a review.</p>\n");
        } else {
            body.append("<p>The practice's disclosure policy did not allow these requests outright. Each was held "
                    + "until the practice's Caldicott Guardian (the person responsible for protecting the "
                    + "confidentiality of patients' information) decided it.</p>\n");
            body.append("<table>\n<thead><tr><th scope=\"col\">When</th><th scope=\"col\">Who asked</th>"
                    + "<th scope=\"col\">Why they asked</th><th scope=\"col\">Legal basis they gave</th>"
                    + "<th scope=\"col\">What was decided</th></tr></thead>\n<tbody>\n");
            for (AuditEntry e : escalated) {
                purposes.add(e.purposeOfUse());
                bases.add(e.legalBasis());
                body.append("<tr><td>").append(Html.escape(Html.dateTime(e.time(), zone))).append("</td><td>")
                        .append(who(e)).append("</td><td>")
                        .append(Html.escape(Terms.sentence(Terms.purpose(e.purposeOfUse())))).append("</td><td>")
                        .append(Html.escape(Terms.sentence(Terms.legalBasis(e.legalBasis())))).append("</td><td>")
                        .append(reviewOutcome(e, reviews, zone)).append("</td></tr>\n");
            }
            body.append("</tbody>\n</table>\n");
        }
        body.append("</section>\n");

        // ---- glossary ----
        body.append("<section id=\"terms\">\n<h2>What the terms mean</h2>\n<dl>\n");
        boolean any = false;
        for (String p : purposes) {
            if (!Terms.purposeExplanation(p).isEmpty()) {
                any = true;
                body.append("<dt>").append(Html.escape(Terms.sentence(Terms.purpose(p)))).append("</dt><dd>")
                        .append(Html.escape(Terms.purposeExplanation(p))).append("</dd>\n");
            }
        }
        for (String b : bases) {
            if (!Terms.legalBasisExplanation(b).isEmpty()) {
                any = true;
                body.append("<dt>").append(Html.escape(Terms.sentence(Terms.legalBasis(b)))).append("</dt><dd>")
                        .append(Html.escape(Terms.legalBasisExplanation(b))).append("</dd>\n");
            }
        }
        body.append("<dt>Held back</dt><dd>Parts of a record the practice removed before releasing it, because the "
                + "requester did not need them for the stated purpose.</dd>\n");
        if (!any) {
            body.append("<dt>Legal basis</dt><dd>The law or duty the requester relied on to ask for the "
                    + "information.</dd>\n");
        }
        body.append("</dl>\n</section>\n");
        body.append("<footer>Taken from the practice's tamper-evident audit record. If anything here is unclear or "
                + "you think it is wrong, ask the practice; quote the date and the reference shown.</footer>\n");
        return Html.page("Who your information has been shared with - " + heading.practiceName(), body.toString());
    }

    // ---- helpers ----

    private static boolean concerns(AuditEntry entry, String patientId) {
        if (entry.patients().contains(patientId)) {
            return true;
        }
        if (!entry.patients().isEmpty()) {
            return false;
        }
        String target = entry.target();
        int q = target.indexOf('?');
        String path = (q >= 0 ? target.substring(0, q) : target).replaceFirst("^/+", "");
        return path.equals("Patient/" + patientId) || path.startsWith("Patient/" + patientId + "/");
    }

    private static boolean isAboutOnlyThisPatientOrNone(AuditEvent event, String patientId, Set<String> identifiers) {
        for (AuditEvent.AuditEventEntityComponent entity : event.getEntity()) {
            if ("1".equals(entity.getType().getCode()) && "1".equals(entity.getRole().getCode())) {
                org.hl7.fhir.r4.model.Identifier identifier = entity.getWhat().getIdentifier();
                return ("Patient/" + patientId).equals(entity.getWhat().getReference())
                        || (identifier != null && identifier.hasValue()
                                && identifiers.contains(identifier.getSystem() + "|" + identifier.getValue()));
            }
        }
        return true;
    }

    /** For each review case, the entry that decided it (the first non-escalation entry after the escalation). */
    private static Map<String, AuditEntry> reviewDecisions(List<AuditEntry> about) {
        Map<String, AuditEntry> escalations = new LinkedHashMap<>();
        Map<String, AuditEntry> decisions = new LinkedHashMap<>();
        for (AuditEntry e : about) {
            if (e.reviewCase().isEmpty()) {
                continue;
            }
            if (e.outcome() == AuditOutcome.ESCALATE) {
                escalations.putIfAbsent(e.reviewCase(), e);
            } else if (escalations.containsKey(e.reviewCase())) {
                decisions.putIfAbsent(e.reviewCase(), e);
            }
        }
        return decisions;
    }

    private static String reviewOutcome(AuditEntry escalation, Map<String, AuditEntry> reviews, ZoneId zone) {
        AuditEntry decision = escalation.reviewCase().isEmpty() ? null : reviews.get(escalation.reviewCase());
        if (decision == null) {
            return "Still being reviewed; nothing has been released";
        }
        String by = decision.reviewer().isEmpty() ? "" : " by " + Html.escape(decision.reviewer());
        String when = " on " + Html.escape(Html.dateTime(decision.time(), zone));
        return switch (decision.outcome()) {
            case PERMIT, REDACT -> "Approved" + by + when + " (see the list of information shared above)";
            case DENY, REFUSED -> "Refused" + by + when + "; nothing was released";
            case FAILED -> "Approved" + by + when + ", but a technical fault stopped the release; nothing was released";
            case ESCALATE -> "Still being reviewed; nothing has been released";
        };
    }

    private static String who(AuditEntry e) {
        String org = e.organisation().isBlank() ? "An organisation that did not identify itself" : e.organisation();
        return Html.escape(org) + "<br><span class=\"meta\">" + Html.escape(Terms.sentence(
                Terms.requesterClass(e.requesterClass()))) + "</span>";
    }

    private static List<String> shared(AuditEntry e, String patientId) {
        List<String> out = new ArrayList<>();
        for (String ref : e.released()) {
            if (ref.startsWith("Patient/") && !ref.equals("Patient/" + patientId)) {
                continue;
            }
            out.add(describeResource(ref));
        }
        return out;
    }

    private static List<String> withheld(AuditEntry e, String patientId) {
        Set<String> out = new LinkedHashSet<>();
        for (String w : e.withheld()) {
            int space = w.indexOf(' ');
            if (space <= 0) {
                continue;
            }
            String ref = w.substring(0, space);
            if (ref.startsWith("Patient/") && !ref.equals("Patient/" + patientId)) {
                continue;
            }
            out.add(describeElement(w.substring(space + 1)));
        }
        return new ArrayList<>(out);
    }

    private static final Map<String, String> RESOURCE_NAMES = Map.ofEntries(
            Map.entry("Patient", "Your personal details (name, address, contact details, date of birth)"),
            Map.entry("RelatedPerson", "Details of a relative or contact of yours"),
            Map.entry("Practitioner", "Details of a clinician involved in your care"),
            Map.entry("Observation", "A test result or observation"),
            Map.entry("Condition", "A diagnosis or health problem"),
            Map.entry("Encounter", "A record of an appointment or visit"),
            Map.entry("MedicationRequest", "A prescription"),
            Map.entry("Immunization", "A vaccination record"));

    private static String describeResource(String ref) {
        int slash = ref.indexOf('/');
        String type = slash > 0 ? ref.substring(0, slash) : ref;
        String name = RESOURCE_NAMES.getOrDefault(type, "A record of type " + type);
        return name + " (record " + ref + ")";
    }

    private static final Map<String, String> ELEMENT_NAMES = Map.ofEntries(
            Map.entry("address", "address"),
            Map.entry("telecom", "phone numbers and email addresses"),
            Map.entry("birthDate", "date of birth"),
            Map.entry("name", "name"),
            Map.entry("identifier", "identifiers such as your NHS number"),
            Map.entry("contact", "emergency contacts and next of kin"),
            Map.entry("generalPractitioner", "registered GP"),
            Map.entry("communication", "language"),
            Map.entry("gender", "gender"),
            Map.entry("maritalStatus", "marital status"),
            Map.entry("photo", "photograph"),
            Map.entry("text", "the record's summary text"),
            Map.entry("managingOrganization", "the organisation that manages your record"),
            Map.entry("link", "links to other records"),
            Map.entry("multipleBirth", "multiple birth details"),
            Map.entry("deceased", "date of death"));

    /** Plain English for a withheld path ({@code Patient.address[0]}, {@code Patient.extension('...nationality')}). */
    private static String describeElement(String path) {
        String rest = path.strip();
        int dot = rest.indexOf('.');
        if (dot > 0 && Character.isUpperCase(rest.charAt(0)) && rest.substring(0, dot).matches("[A-Za-z]+")) {
            rest = rest.substring(dot + 1);
        }
        if (rest.startsWith("extension(") || rest.startsWith("modifierExtension(")) {
            String url = rest.toLowerCase(java.util.Locale.ROOT);
            for (Map.Entry<String, String> e : EXTENSION_NAMES) {
                if (url.contains(e.getKey())) {
                    return Terms.sentence(e.getValue());
                }
            }
            return "Other details";
        }
        int cut = rest.length();
        for (char c : new char[] {'.', '[', '(', ' '}) {
            int i = rest.indexOf(c);
            if (i > 0) {
                cut = Math.min(cut, i);
            }
        }
        String first = rest.substring(0, cut);
        if (first.startsWith("deceased")) {
            first = "deceased";
        }
        if (first.startsWith("multipleBirth")) {
            first = "multipleBirth";
        }
        return Terms.sentence(ELEMENT_NAMES.getOrDefault(first, "other details"));
    }

    /** Words in an extension's URL, in the order they are tried, and what to call the extension. */
    private static final List<Map.Entry<String, String>> EXTENSION_NAMES = List.of(
            Map.entry("nationality", "nationality"),
            Map.entry("ethnic", "ethnicity"),
            Map.entry("religion", "religion"),
            Map.entry("birthplace", "place of birth"),
            Map.entry("interpreter", "need for an interpreter"),
            Map.entry("language", "language"),
            Map.entry("residentialstatus", "residential status"),
            Map.entry("nhs-number", "NHS number details"));

    private static String list(List<String> items) {
        return list(items, "None");
    }

    private static String list(List<String> items, String empty) {
        if (items.isEmpty()) {
            return Html.escape(empty);
        }
        StringBuilder out = new StringBuilder("<ul>");
        for (String item : items) {
            out.append("<li>").append(Html.escape(item)).append("</li>");
        }
        return out.append("</ul>").toString();
    }

    private static void requirePatientId(String patientId) {
        if (patientId == null || patientId.isBlank()) {
            throw new IllegalArgumentException("patientId must not be blank");
        }
    }
}
