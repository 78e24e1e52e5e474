package org.disclosureguard.notification;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The plain-English rendering of a {@link Digest}, shared by the digest channels: a one-line subject (the e-mail
 * subject and the Communication topic; it names no patient) and a text that lists each notice once: what happened,
 * which patient (logical id and masked NHS number), when, who asked, why, and the link to the details. Like a single
 * notice it never carries the disclosed data. Times are shown in UK time ({@code Europe/London}). Stateless and
 * thread-safe.
 */
public final class DigestText {

    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.UK).withZone(ZoneId.of("Europe/London"));

    private DigestText() {
    }

    /** {@code Daily digest, 24 November 2026: 3 notices about your patients' records}. */
    public static String subject(Digest digest) {
        int n = digest.notices().size();
        return "Daily digest, " + DAY.format(digest.sendTime()) + ": " + n + (n == 1 ? " notice" : " notices")
                + " about your patients' records";
    }

    /** The text of the digest. */
    public static String body(Digest digest) {
        List<Notice> notices = digest.notices();
        StringBuilder text = new StringBuilder();
        text.append(digest.recipient().isEmpty() ? "Daily digest" : "Daily digest for " + digest.recipient())
                .append(": ").append(notices.size()).append(notices.size() == 1 ? " notice" : " notices")
                .append(" up to ").append(NoticeText.WHEN.format(digest.sendTime())).append(".\n");
        int i = 0;
        for (Notice notice : notices) {
            i++;
            text.append('\n').append(i).append(". ").append(NoticeText.summary(notice)).append('\n');
            if (notice.tracingAlert()) {
                text.append("   Seen: ").append(notice.alert()).append('\n');
            } else {
                text.append("   Patient: ").append(NoticeText.patient(notice));
                if (!notice.clinicianReference().isEmpty()
                        && !notice.clinicianReference().equals(digest.recipient())) {
                    text.append(", registered with ").append(notice.clinicianReference());
                }
                text.append('\n');
            }
            text.append("   When: ").append(NoticeText.WHEN.format(notice.time())).append('\n');
            text.append("   Who: ").append(NoticeText.requester(notice)).append('\n');
            if (!notice.purposeOfUse().isEmpty() || !notice.legalBasis().isEmpty()) {
                text.append("   Why: ");
                if (!notice.purposeOfUse().isEmpty()) {
                    text.append(NoticeText.coded(notice.purposeOfUseText(), notice.purposeOfUse()));
                }
                if (!notice.legalBasis().isEmpty()) {
                    text.append(notice.purposeOfUse().isEmpty() ? "" : "; ").append("legal basis ")
                            .append(NoticeText.coded(notice.legalBasisText(), notice.legalBasis()));
                }
                text.append('\n');
            }
            if (!notice.caseReference().isEmpty()) {
                text.append("   Their case reference: ").append(notice.caseReference()).append('\n');
            }
            if (notice.restricted() || notice.tracingAlert()) {
                text.append("   Nothing was released.\n");
            } else {
                text.append("   Records released: ").append(NoticeText.records(notice.records()));
                if (notice.withheldElements() > 0) {
                    text.append("; ").append(notice.withheldElements())
                            .append(notice.withheldElements() == 1 ? " element" : " elements").append(" withheld");
                }
                text.append('\n');
            }
            if (!notice.reviewer().isEmpty()) {
                text.append("   Caldicott Guardian: ").append(notice.reviewer()).append('\n');
            }
            if (!notice.detailsLink().isEmpty()) {
                text.append("   Details: ").append(notice.detailsLink()).append('\n');
            }
            text.append("   Notice ").append(notice.noticeId()).append(", audit entry ").append(notice.auditSeq())
                    .append('\n');
        }
        text.append("\nDigest ").append(digest.digestId()).append(".\n");
        return text.toString();
    }
}
