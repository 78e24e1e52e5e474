package org.disclosureguard.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.disclosureguard.audit.AuditEntry;
import org.junit.jupiter.api.Test;

/** The digest settings, the send times across the clock changes, and what a digest says. */
class DigestScheduleAndTextTest {

    @Test
    void parse_noneOrBlank_isNoDigest_dailyDefaultsToSevenLondon() {
        assertThat(DigestSchedule.parse("fhir-inbox", null, null, null)).isEmpty();
        assertThat(DigestSchedule.parse("fhir-inbox", "none", "08:00", null)).isEmpty();
        assertThat(DigestSchedule.parse("email", " Daily ", "", " ")).contains(
                new DigestSchedule(LocalTime.of(7, 0), ZoneId.of("Europe/London")));
        assertThat(DigestSchedule.parse("email", "daily", "18:30", "Europe/Dublin")).contains(
                new DigestSchedule(LocalTime.of(18, 30), ZoneId.of("Europe/Dublin")));
    }

    @Test
    void parse_badSettings_areRefusedWithTheKey() {
        assertThatThrownBy(() -> DigestSchedule.parse("email", "weekly", null, null))
                .hasMessageStartingWith("DG-6018").hasMessageContaining("guard.notification.email.digest ");
        assertThatThrownBy(() -> DigestSchedule.parse("email", "daily", "7am", null))
                .hasMessageStartingWith("DG-6018").hasMessageContaining("guard.notification.email.digest-time");
        assertThatThrownBy(() -> DigestSchedule.parse("fhir-inbox", "daily", "07:00", "Mars/Olympus"))
                .hasMessageStartingWith("DG-6018").hasMessageContaining("guard.notification.fhir-inbox.digest-zone");
    }

    @Test
    void sendTimes_followLondonTime_inWinterAndSummer() {
        DigestSchedule s = new DigestSchedule(LocalTime.of(7, 0), ZoneId.of("Europe/London"));

        assertThat(s.lastSendAtOrBefore(Instant.parse("2026-11-24T06:59:59Z")))
                .isEqualTo(Instant.parse("2026-11-23T07:00:00Z"));
        assertThat(s.lastSendAtOrBefore(Instant.parse("2026-11-24T07:00:00Z")))
                .isEqualTo(Instant.parse("2026-11-24T07:00:00Z"));
        assertThat(s.lastSendAtOrBefore(Instant.parse("2026-07-01T06:30:00Z")))
                .as("07:00 BST is 06:00 UTC").isEqualTo(Instant.parse("2026-07-01T06:00:00Z"));
        assertThat(s.nextSendAfter(Instant.parse("2026-03-28T07:00:00Z")))
                .as("the clocks go forward overnight").isEqualTo(Instant.parse("2026-03-29T06:00:00Z"));
        assertThat(s.nextSendAfter(Instant.parse("2026-11-24T06:00:00Z")))
                .isEqualTo(Instant.parse("2026-11-24T07:00:00Z"));
    }

    @Test
    void digestText_listsEachNoticeOnce_withWhoWhenWhyMaskedNumberAndLink_andNoData() {
        AuditEntry entry = Disclosures.police("req-t1", List.of("pat-1", "pat-2"));
        List<Notice> notices = Disclosures.FACTORY.notices(entry, 40, List.of(
                NoticeSubject.of("pat-1", "Practitioner/gp-1", "9000000009"),
                NoticeSubject.of("pat-2", "Practitioner/gp-1", "9000000017")));
        Notice held = Disclosures.FACTORY.restrictedNotices(RestrictedRecordNoticeTest.immigration("req-t2",
                org.disclosureguard.audit.AuditOutcome.ESCALATE, List.of("pat-1"), false), 41,
                List.of(NoticeSubject.of("pat-1", "Practitioner/gp-1", "9000000009"))).get(0);
        Digest digest = new Digest("d-1", "fhir-inbox", "Practitioner/gp-1", Instant.parse("2026-11-24T07:00:00Z"),
                List.of(notices.get(0), notices.get(1), held));

        String body = DigestText.body(digest);

        assertThat(DigestText.subject(digest))
                .isEqualTo("Daily digest, 24 November 2026: 3 notices about your patients' records");
        assertThat(body).startsWith("Daily digest for Practitioner/gp-1: 3 notices up to 24 November 2026 at 07:00 "
                + "GMT.\n");
        for (Notice n : digest.notices()) {
            assertThat(body.split(n.noticeId(), -1)).as("each notice once").hasSize(2);
        }
        assertThat(body).contains("1. Patient data disclosed to Metropolitan Police (police)\n"
                        + "   Patient: Patient/pat-1 (NHS number *** *** 0009)\n"
                        + "   When: 23 November 2026 at 09:30 GMT\n"
                        + "   Who: Metropolitan Police (police)\n"
                        + "   Why: prevention or detection of crime [CRIMEPREV]; legal basis ",
                "Patient/pat-2 (NHS number *** *** 0017)",
                "3. Request for a restricted record held for review: Home Office Immigration Enforcement",
                "   Nothing was released.\n",
                "Details: https://gp.example/guard/disclosures/req-t1",
                "Details: https://gp.example/guard/disclosures/req-t2");
        assertThat(body).doesNotContain("registered with");
        for (String canary : Disclosures.CANARIES) {
            assertThat(body).doesNotContain(canary);
        }
        assertThat(body).doesNotContain("9000000009", "9000000017");
    }
}
