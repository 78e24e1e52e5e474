package org.disclosureguard.notification;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.disclosureguard.audit.AuditEntry;

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
