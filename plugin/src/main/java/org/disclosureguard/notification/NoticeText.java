package org.disclosureguard.notification;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The plain-English rendering of a {@link Notice}, shared by every channel: a one-line summary (used as the e-mail
 * subject and the Communication topic; it names no patient) and a short text for a clinician. Times are shown in
 * UK time ({@code Europe/London}). Stateless and thread-safe.
 */
public final class NoticeText {

    static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("d MMMM yyyy 'at' HH:mm z", Locale.UK).withZone(ZoneId.of("Europe/London"));

    private NoticeText() {
    }

    /**
     * {@code Patient data disclosed to Metropolitan Police (police)}: no patient identifier. For a restricted record:
     * {@code Request for a restricted record held for review: Metropolitan Police (police)} or
     * {@code Request for a restricted record refused: ...}.
     */
    public static String summary(Notice notice) {
        return switch (notice.kind()) {
            case Notice.RESTRICTED_HELD -> "Request for a restricted record held for review: " + requester(notice);
            case Notice.RESTRICTED_REFUSED -> "Request for a restricted record refused: " + requester(notice);
            case Notice.TRACING_ALERT -> "Possible tracing by " + requester(notice);
            default -> "Patient data disclosed to " + requester(notice);
        };
    }

    /** The text for a clinician. */
    public static String body(Notice notice) {
        if (notice.tracingAlert()) {
            return alertBody(notice);
        }
        if (notice.restricted()) {
            return restrictedBody(notice);
        }
        StringBuilder text = new StringBuilder();
        text.append("Data about your patient ").append(patient(notice)).append(" was disclosed to ")
                .append(requester(notice)).append(" on ").append(WHEN.format(notice.time())).append(".\n");
        if (!notice.purposeOfUse().isEmpty()) {
            text.append("Purpose stated: ").append(coded(notice.purposeOfUseText(), notice.purposeOfUse()))
                    .append(".\n");
        }
        if (!notice.legalBasis().isEmpty()) {
            text.append("Legal basis cited: ").append(coded(notice.legalBasisText(), notice.legalBasis()))
                    .append(".\n");
        }
        if (!notice.caseReference().isEmpty()) {
            text.append("Their case reference: ").append(notice.caseReference()).append(".\n");
        }
        text.append("Records released: ").append(records(notice.records()));
        if (notice.withheldElements() > 0) {
            text.append("; ").append(notice.withheldElements())
                    .append(notice.withheldElements() == 1 ? " element" : " elements").append(" withheld");
        }
        text.append(".\n");
        if (!notice.reviewer().isEmpty()) {
            text.append("Approved by the Caldicott Guardian: ").append(notice.reviewer()).append(".\n");
        }
        if (!notice.detailsLink().isEmpty()) {
            text.append("Details: ").append(notice.detailsLink()).append('\n');
        }
        text.append("Notice ").append(notice.noticeId()).append(", request ").append(notice.requestId())
                .append(", audit entry ").append(notice.auditSeq()).append(".\n");
        return text.toString();
    }

    /** The text of a notice about a held or refused request for a restricted record: it says nothing was released. */
    private static String restrictedBody(Notice notice) {
        boolean held = Notice.RESTRICTED_HELD.equals(notice.kind());
        StringBuilder text = new StringBuilder();
        text.append("A request for your patient's restricted record ").append(patient(notice)).append(" from ")
                .append(requester(notice)).append(" on ").append(WHEN.format(notice.time()))
                .append(held ? " was held for review by the Caldicott Guardian.\n" : " was refused.\n");
        text.append("Nothing was released").append(held ? " while the request is held" : "").append(".\n");
        if (!notice.purposeOfUse().isEmpty()) {
            text.append("Purpose stated: ").append(coded(notice.purposeOfUseText(), notice.purposeOfUse()))
                    .append(".\n");
        }
        if (!notice.legalBasis().isEmpty()) {
            text.append("Legal basis cited: ").append(coded(notice.legalBasisText(), notice.legalBasis()))
                    .append(".\n");
        }
        if (!notice.caseReference().isEmpty()) {
            text.append("Their case reference: ").append(notice.caseReference()).append(".\n");
        }
        if (!notice.reviewer().isEmpty()) {
            text.append(held ? "Reviewer: " : "Refused by the Caldicott Guardian: ").append(notice.reviewer())
                    .append(".\n");
        }
        if (held) {
            text.append("If the request is approved and data is released, you will be told of that disclosure "
                    + "separately.\n");
        }
        if (!notice.detailsLink().isEmpty()) {
            text.append("Details: ").append(notice.detailsLink()).append('\n');
        }
        text.append("Notice ").append(notice.noticeId()).append(", request ").append(notice.requestId())
                .append(", audit entry ").append(notice.auditSeq()).append(".\n");
        return text.toString();
    }

    /**
     * The text of a tracing alert for the Caldicott Guardian: what was seen and where to look; it names no patient
     * (the staff page and the audit entries behind the alert do).
     */
    private static String alertBody(Notice notice) {
        StringBuilder text = new StringBuilder();
        text.append("The pattern of requests from ").append(requester(notice)).append(" looks like tracing: ")
                .append(notice.alert()).append(", up to ").append(WHEN.format(notice.time())).append(".\n");
        text.append("Nothing more was released because of this alert; requests are still decided by the policy.\n");
        if (!notice.detailsLink().isEmpty()) {
            text.append("Where to look: ").append(notice.detailsLink())
                    .append(" (the staff page lists the audit entries behind the alert).\n");
        }
        text.append("Alert ").append(notice.requestId()).append(", notice ").append(notice.noticeId())
                .append(", audit entry ").append(notice.auditSeq()).append(".\n");
        return text.toString();
    }

    static String patient(Notice notice) {
        return notice.maskedNhsNumber().isEmpty()
                ? "Patient/" + notice.patientId()
                : "Patient/" + notice.patientId() + " (NHS number " + notice.maskedNhsNumber() + ")";
    }

    static String requester(Notice notice) {
        String organisation = notice.organisation().isEmpty() ? "an outside organisation" : notice.organisation();
        return notice.requesterClassText().isEmpty() ? organisation
                : organisation + " (" + notice.requesterClassText() + ")";
    }

    static String coded(String text, String code) {
        return text.equals(code) ? code : text + " [" + code + "]";
    }

    static String records(Map<String, Integer> records) {
        if (records.isEmpty()) {
            return "none";
        }
        return records.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", "));
    }
}
