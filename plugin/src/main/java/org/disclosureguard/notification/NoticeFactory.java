package org.disclosureguard.notification;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.AuditOutcome;

/**
 * Builds the {@link Notice}s for one disclosure: one per patient the audit entry names. It reads only the entry's
 * requester, purpose, basis, case, reviewer and the <em>types</em> of the released resources and the number of
 * withheld elements; resource ids, element paths, the request target and the response are never copied.
 * Requester-supplied text (organisation, case reference, reviewer) is flattened to one line of at most 200
 * characters.
 *
 * <p>The notice id is a name-based UUID of the audit sequence number, request id and patient id, so the same
 * disclosure always yields the same ids (a reconciliation can recompute them from the audit chain).
 *
 * <p>Immutable and thread-safe.
 */
public final class NoticeFactory {

    private static final Pattern RESOURCE_TYPE = Pattern.compile("[A-Z][A-Za-z]{1,63}");
    private static final int MAX_TEXT = 200;

    private final PlainWords words;
    private final String detailsBase;

    /**
     * @param words the plain-English words for codes
     * @param detailsBase the base of the link to a disclosure's details in the practice's own system; the request
     *     id is appended ({@code https://gp.example/guard/disclosures/} gives {@code .../disclosures/<request id>}),
     *     or {@code null} for no link
     * @throws IllegalArgumentException when the base is not an absolute http(s) URL
     */
    public NoticeFactory(PlainWords words, URI detailsBase) {
        this.words = Objects.requireNonNull(words, "words");
        if (detailsBase != null) {
            String scheme = detailsBase.getScheme();
            if (!detailsBase.isAbsolute() || !("https".equals(scheme) || "http".equals(scheme))) {
                throw new IllegalArgumentException("DG-6005: guard.notification.details-base-url must be an absolute "
                        + "http(s) URL, not '" + detailsBase + "'");
            }
        }
        this.detailsBase = detailsBase == null ? "" : detailsBase.toString();
    }

    /**
     * The notices for a disclosure recorded as audit entry {@code seq}.
     *
     * @param entry an entry for which {@link AuditEntry#disclosure()} is true
     * @param seq its sequence number in the audit chain
     * @param subjects one per patient in {@code entry.patients()}, no more, no fewer
     * @return one notice per subject, in the order of {@code entry.patients()}
     * @throws IllegalArgumentException when the entry is not a disclosure or the subjects do not match its patients
     */
    public List<Notice> notices(AuditEntry entry, long seq, List<NoticeSubject> subjects) {
        checkSubjects(entry, subjects);
        Map<String, NoticeSubject> byPatient = new LinkedHashMap<>();
        subjects.forEach(s -> byPatient.put(s.patientId(), s));
        Map<String, Integer> records = recordCounts(entry.released());
        List<Notice> out = new ArrayList<>();
        for (String patient : entry.patients()) {
            NoticeSubject subject = byPatient.get(patient);
            out.add(new Notice(noticeId(seq, entry.requestId(), patient), seq, entry.requestId(), entry.time(),
                    patient, subject.maskedNhsNumber(), subject.clinicianReference(), plain(entry.organisation()),
                    plain(entry.requesterClass()), plain(words.requesterClass(entry.requesterClass())),
                    plain(entry.purposeOfUse()), plain(words.purposeOfUse(entry.purposeOfUse())),
                    plain(entry.legalBasis()), plain(words.legalBasis(entry.legalBasis())),
                    plain(entry.caseReference()), records, entry.withheld().size(), plain(entry.reviewer()),
                    detailsBase.isEmpty() ? "" : detailsBase + urlSafe(entry.requestId())));
        }
        return out;
    }

    /**
     * The notices for a request about a restricted patient's record that was held for review ({@code escalate}) or
     * refused by the policy ({@code deny}), recorded as audit entry {@code seq}: one per subject, of kind
     * {@link Notice#RESTRICTED_HELD} or {@link Notice#RESTRICTED_REFUSED}. Nothing was released, so the notice lists no
     * records ({@code records} empty, no withheld elements).
     *
     * @param entry an entry from an outside requester with outcome {@code escalate} or {@code deny}
     * @param seq its sequence number in the audit chain
     * @param subjects the restricted patients the request was about (see {@link #checkRestrictedSubjects})
     * @return one notice per subject, in the order given
     * @throws IllegalArgumentException when the entry is not such a request or the subjects do not fit it
     */
    public List<Notice> restrictedNotices(AuditEntry entry, long seq, List<NoticeSubject> subjects) {
        checkRestrictedSubjects(entry, subjects);
        String kind = entry.outcome() == AuditOutcome.ESCALATE ? Notice.RESTRICTED_HELD : Notice.RESTRICTED_REFUSED;
        List<Notice> out = new ArrayList<>();
        for (NoticeSubject subject : subjects) {
            String patient = subject.patientId();
            out.add(new Notice(restrictedNoticeId(seq, entry.requestId(), patient), seq, entry.requestId(),
                    entry.time(), patient, subject.maskedNhsNumber(), subject.clinicianReference(),
                    plain(entry.organisation()), plain(entry.requesterClass()),
                    plain(words.requesterClass(entry.requesterClass())), plain(entry.purposeOfUse()),
                    plain(words.purposeOfUse(entry.purposeOfUse())), plain(entry.legalBasis()),
                    plain(words.legalBasis(entry.legalBasis())), plain(entry.caseReference()), Map.of(), 0,
                    plain(entry.reviewer()), detailsBase.isEmpty() ? "" : detailsBase + urlSafe(entry.requestId()),
                    kind));
        }
        return out;
    }

    /**
     * The notice of a tracing alert to the Caldicott Guardian ({@link Notice#TRACING_ALERT}), recorded as audit entry
     * {@code seq}: no patient, no records; the requester's organisation and class, what was seen, where to look.
     *
     * @param alertId the alert's id (also the request id of its audit entry)
     * @param time when it was raised
     * @param recipient the Caldicott Guardian ({@code Practitioner/cg}), or empty
     * @param organisation the requester's organisation, or empty
     * @param requesterClass the requester's class code, or empty
     * @param alert what was seen, in one line that names no patient
     * @param where where to look (the guard's staff page of the alert)
     */
    public Notice alertNotice(long seq, String alertId, Instant time, String recipient, String organisation,
            String requesterClass, String alert, String where) {
        Objects.requireNonNull(alertId, "alertId");
        String requesterClassCode = plain(Objects.requireNonNullElse(requesterClass, ""));
        return new Notice(UUID.nameUUIDFromBytes(("tracing-alert-notice|" + seq + "|" + alertId)
                .getBytes(StandardCharsets.UTF_8)).toString(), seq, alertId, time, "", "",
                Objects.requireNonNullElse(recipient, ""), plain(Objects.requireNonNullElse(organisation, "")),
                requesterClassCode, plain(words.requesterClass(requesterClassCode)), "", "", "", "", "", Map.of(), 0,
                "", Objects.requireNonNullElse(where, ""), Notice.TRACING_ALERT, plain(alert));
    }

    /** Whether a held or refused request of this entry can have restricted-record notices. */
    static boolean heldOrRefusedOutside(AuditEntry entry) {
        return !entry.internal() && (entry.outcome() == AuditOutcome.ESCALATE || entry.outcome() == AuditOutcome.DENY);
    }

    /**
     * Checks, before anything is written, the subjects of restricted-record notices: the entry is an outside
     * request held ({@code escalate}) or refused ({@code deny}); there is at least one subject and none twice; and
     * each subject is a patient the entry names by logical id, unless the entry names a patient by identifier only
     * ({@code system|value}, a refused search by NHS number), whom the gateway resolved to the subject.
     *
     * @throws IllegalArgumentException otherwise (DG-6006, DG-6007)
     */
    static void checkRestrictedSubjects(AuditEntry entry, List<NoticeSubject> subjects) {
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(subjects, "subjects");
        if (!heldOrRefusedOutside(entry)) {
            throw new IllegalArgumentException("DG-6006: audit entry for request " + entry.requestId() + " is not an "
                    + "outside request held for review or refused (outcome " + entry.outcome().code()
                    + "); no restricted-record notice is due");
        }
        if (subjects.isEmpty()) {
            throw new IllegalArgumentException("DG-6007: a restricted-record notice needs the restricted patient as "
                    + "a notice subject; none was given for request " + entry.requestId());
        }
        boolean byIdentifier = entry.patients().stream().anyMatch(p -> p.contains("|"));
        Set<String> named = new HashSet<>();
        for (NoticeSubject subject : subjects) {
            if (!named.add(subject.patientId())) {
                throw new IllegalArgumentException("DG-6007: patient " + subject.patientId() + " is named twice");
            }
            if (!byIdentifier && !entry.patients().contains(subject.patientId())) {
                throw new IllegalArgumentException("DG-6007: patient " + subject.patientId() + " is not among the "
                        + "patients of audit entry for request " + entry.requestId() + " " + entry.patients());
            }
        }
    }

    /**
     * Checks, before anything is written, that {@code subjects} name exactly the entry's patients.
     *
     * @throws IllegalArgumentException otherwise (DG-6006, DG-6007)
     */
    static void checkSubjects(AuditEntry entry, List<NoticeSubject> subjects) {
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(subjects, "subjects");
        if (!entry.disclosure()) {
            throw new IllegalArgumentException("DG-6006: audit entry for request " + entry.requestId()
                    + " is not a disclosure to an outside party; no clinician notice is due");
        }
        Set<String> named = new HashSet<>();
        for (NoticeSubject subject : subjects) {
            if (!named.add(subject.patientId())) {
                throw new IllegalArgumentException("DG-6007: patient " + subject.patientId() + " is named twice");
            }
        }
        if (!named.equals(new HashSet<>(entry.patients()))) {
            throw new IllegalArgumentException("DG-6007: the notice subjects " + named + " must be exactly the "
                    + "patients of audit entry for request " + entry.requestId() + " " + entry.patients());
        }
    }

    /**
     * Requester-supplied text as one short line: control characters (line breaks included) become spaces, so a case
     * reference cannot add lines of its own to the text a clinician reads, and anything past
     * {@value #MAX_TEXT} characters is cut.
     */
    static String plain(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_TEXT + 1));
        text.codePoints().limit(MAX_TEXT).forEach(cp -> out.appendCodePoint(Character.isISOControl(cp)
                || Character.getType(cp) == Character.LINE_SEPARATOR
                || Character.getType(cp) == Character.PARAGRAPH_SEPARATOR ? ' ' : cp));
        if (text.codePointCount(0, text.length()) > MAX_TEXT) {
            out.append('\u2026');
        }
        return out.toString().strip();
    }

    static String noticeId(long seq, String requestId, String patientId) {
        return UUID.nameUUIDFromBytes(("disclosure-notice|" + seq + "|" + requestId + "|" + patientId)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    static String restrictedNoticeId(long seq, String requestId, String patientId) {
        return UUID.nameUUIDFromBytes(("restricted-notice|" + seq + "|" + requestId + "|" + patientId)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Counts released resources by type; anything that is not a plain resource type counts as {@code other}. */
    private static Map<String, Integer> recordCounts(List<String> released) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String reference : released) {
            int slash = reference.indexOf('/');
            String type = slash > 0 ? reference.substring(0, slash) : reference;
            if (!RESOURCE_TYPE.matcher(type).matches()) {
                type = "other";
            }
            counts.merge(type, 1, Integer::sum);
        }
        return counts;
    }

    private static String urlSafe(String requestId) {
        return java.net.URLEncoder.encode(requestId, StandardCharsets.UTF_8);
    }
}
