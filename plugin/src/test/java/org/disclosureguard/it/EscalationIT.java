package org.disclosureguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.disclosureguard.app.DisclosureGuardApplication;
import org.disclosureguard.audit.AuditOutcome;
import org.disclosureguard.audit.JdbcAuditStore;
import org.disclosureguard.audit.StoredEntry;
import org.disclosureguard.labels.SecurityLabel;
import org.disclosureguard.review.ReviewCase;
import org.disclosureguard.review.ReviewCases;
import org.disclosureguard.review.Reviewer;
import org.disclosureguard.staff.StaffAccounts;
import org.disclosureguard.testsupport.Chromium;
import org.disclosureguard.testsupport.PracticeServer;
import org.disclosureguard.testsupport.SignedTokens;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A request the policy escalates is held as a review case in front of the real practice server: the requester
 * gets 202 (or 403) with the case to poll, polls while it waits, and after the Caldicott Guardians decide gets a
 * batch-response carrying the answer: the record no wider than approved, or a refusal with the reviewer's reason.
 * The default policy asks two approvals, by two different guardians, for immigration enforcement; a guardian can
 * ask the requester a question, which the requester answers by POSTing Parameters to the poll address. Each step
 * is in the audit chain; the case is released once.
 */
@SpringBootTest(classes = DisclosureGuardApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EscalationIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String AUDIENCE = "https://guard.practice.test/fhir";
    private static final KeyPair HOME_OFFICE = SignedTokens.ec();
    private static final KeyPair POLICE = SignedTokens.ec();
    private static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

    @LocalServerPort
    int port;

    @Autowired
    ReviewCases cases;

    @Autowired
    JdbcAuditStore audit;

    private static final String GUARDIAN_PASSWORD = "correct horse battery staple";
    private static final String SECOND_PASSWORD = "a different long passphrase";
    private static final Path STAFF = staffFile();

    @DynamicPropertySource
    static void guard(DynamicPropertyRegistry registry) {
        registry.add("guard.upstream.base-url", () -> PracticeServer.shared().baseUrl().toString());
        registry.add("guard.identity.registry-file", () -> registry().toString());
        registry.add("guard.identity.audience", () -> AUDIENCE);
        registry.add("guard.review.staff-file", STAFF::toString);
    }

    @Test
    void aTwoApproverImmigrationCase_isApprovedByTwoGuardiansInTheBrowser_andTheRequesterGetsOnlyTheNarrowed()
            throws Exception {
        HttpResponse<String> held = send(HttpRequest.newBuilder(uri("/fhir/Patient/9000000009"))
                .header("Authorization", "Bearer " + immigration()).header("Prefer", "respond-async"));
        assertThat(held.statusCode()).isEqualTo(202);
        String poll = held.headers().firstValue("Content-Location").orElseThrow();
        String caseId = caseIdOf(held);

        WebDriver browser = Chromium.start(Files.createTempDirectory(Path.of("target"), "escalation-it-chromium"));
        try {
            browser.get("http://127.0.0.1:" + port + "/staff/reviews");
            assertThat(browser.getCurrentUrl()).endsWith("/staff/login");
            browser.findElement(By.id("id")).sendKeys("cg-anne");
            browser.findElement(By.id("password")).sendKeys("wrong password here");
            browser.findElement(By.cssSelector("button[type=submit]")).click();
            assertThat(new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(10))
                    .until(d -> d.findElement(By.cssSelector("[role=alert]"))).getText()).contains("do not match");
            browser.findElement(By.id("id")).sendKeys("cg-anne");
            browser.findElement(By.id("password")).sendKeys(GUARDIAN_PASSWORD);
            browser.findElement(By.cssSelector("button[type=submit]")).click();

            assertThat(heading(browser, "Requests waiting")).contains("Requests waiting");
            assertThat(browser.findElement(By.tagName("body")).getText()).contains("Immigration Enforcement (test)");
            browser.findElement(By.cssSelector("a[href$='" + caseId + "']")).click();
            assertThat(heading(browser, "Immigration Enforcement (test)")).contains("Immigration Enforcement (test)");
            assertThat(browser.findElement(By.tagName("body")).getText()).contains("This request needs two approvals");
            WebElement dateOfBirth = browser.findElement(By.cssSelector("input[name=withhold][value$='DOB']"));
            assertThat(dateOfBirth.isSelected()).isFalse();
            dateOfBirth.click();
            browser.findElement(By.id("note")).sendKeys("Identity confirmation only.");
            browser.findElement(By.xpath("//button[contains(., 'Approve')]")).click();
            assertThat(heading(browser, "waiting for a second approval"))
                    .isEqualTo("Approved, waiting for a second approval");
        } finally {
            browser.quit();
        }
        ReviewCase once = cases.find(caseId).orElseThrow();
        assertThat(once.state().name()).isEqualTo("AWAITING_SECOND_APPROVAL");
        assertThat(once.first().orElseThrow().reviewerId()).isEqualTo("cg-anne");
        HttpResponse<String> stillWaiting = poll(poll, immigration());
        assertThat(stillWaiting.statusCode()).as("one approval of two releases nothing").isEqualTo(202);
        assertThat(stillWaiting.body()).doesNotContain("\"name\"");

        WebDriver second = Chromium.start(Files.createTempDirectory(Path.of("target"), "escalation-it-chromium"));
        try {
            signIn(second, "cg-ben", SECOND_PASSWORD);
            assertThat(second.findElement(By.tagName("body")).getText())
                    .contains("Approved by cg-anne; waiting for a second approval");
            second.findElement(By.cssSelector("a[href$='" + caseId + "']")).click();
            assertThat(heading(second, "Immigration Enforcement (test)")).contains("Immigration Enforcement (test)");
            String page = second.findElement(By.tagName("body")).getText();
            assertThat(page).contains("First approval", "cg-anne", "Identity confirmation only.",
                    "This is the second approval");
            assertThat(second.findElements(By.cssSelector("input[type=checkbox][name=withhold][value$='DOB']")))
                    .as("what the first approver withheld cannot be released by the second").isEmpty();
            assertThat(second.findElements(By.cssSelector("input[type=hidden][name=withhold][value$='DOB']")))
                    .hasSize(1);
            second.findElement(By.cssSelector("input[name=withhold][value$='IDS']")).click();
            second.findElement(By.xpath("//button[contains(., 'Approve')]")).click();
            assertThat(heading(second, "Approved")).isEqualTo("Approved");
        } finally {
            second.quit();
        }

        ReviewCase approved = cases.find(caseId).orElseThrow();
        assertThat(approved.state().name()).isEqualTo("APPROVED");
        assertThat(approved.reviewerId()).isEqualTo("cg-ben");
        assertThat(approved.approvedWithheld()).contains(new SecurityLabel(ACT_CODE, "DOB"),
                new SecurityLabel(ACT_CODE, "IDS")).containsAll(approved.escalation().proposedWithheld());
        HttpResponse<String> released = poll(poll, immigration());
        assertThat(released.statusCode()).as(released.body()).isEqualTo(200);
        JsonNode patient = JSON.readTree(released.body()).at("/entry/0/resource");
        assertThat(patient.has("birthDate")).as("withheld by the first approver").isFalse();
        assertThat(patient.has("identifier")).as("withheld by the second approver").isFalse();
        assertThat(patient.has("address")).isFalse();
        assertThat(patient.has("name")).isTrue();
        List<StoredEntry> story = audit.forPatient("9000000009", 0, 10_000).stream()
                .filter(e -> e.entry().reviewCase().equals(caseId)).toList();
        assertThat(story).as("the first approval is recorded as a step that releases nothing")
                .anyMatch(e -> e.entry().reviewer().equals("cg-anne") && e.entry().status() == 0
                        && e.entry().outcome() == AuditOutcome.ESCALATE && "DG-5108".equals(e.entry().code()));
        assertThat(story).anyMatch(e -> e.entry().reviewer().equals("cg-ben") && e.entry().status() == 0
                && e.entry().outcome() == AuditOutcome.REDACT);
        assertThat(story).as("opening the case page is recorded too")
                .anyMatch(e -> e.entry().reviewer().equals("cg-anne") && e.entry().outcome() == AuditOutcome.ESCALATE
                        && e.entry().code().isEmpty());
    }

    @Test
    void theFirstApprover_cannotGiveTheSecondApprovalToo() throws Exception {
        HttpResponse<String> held = holdImmigrationRead();
        String poll = held.headers().firstValue("Content-Location").orElseThrow();
        String caseId = caseIdOf(held);

        WebDriver browser = Chromium.start(Files.createTempDirectory(Path.of("target"), "escalation-it-chromium"));
        try {
            signIn(browser, "cg-anne", GUARDIAN_PASSWORD);
            browser.findElement(By.cssSelector("a[href$='" + caseId + "']")).click();
            assertThat(heading(browser, "Immigration Enforcement (test)")).contains("Immigration Enforcement (test)");
            browser.findElement(By.xpath("//button[contains(., 'Approve')]")).click();
            assertThat(heading(browser, "waiting for a second approval"))
                    .isEqualTo("Approved, waiting for a second approval");
            browser.get("http://127.0.0.1:" + port + "/staff/reviews/" + caseId);
            assertThat(heading(browser, "Immigration Enforcement (test)")).contains("Immigration Enforcement (test)");
            browser.findElement(By.xpath("//button[contains(., 'Approve')]")).click();
            assertThat(heading(browser, "Not recorded")).isEqualTo("Not recorded");
            assertThat(browser.findElement(By.tagName("body")).getText()).contains("DG-5010")
                    .contains("different reviewer");
        } finally {
            browser.quit();
        }
        assertThat(cases.find(caseId).orElseThrow().state().name()).isEqualTo("AWAITING_SECOND_APPROVAL");
        HttpResponse<String> waiting = poll(poll, immigration());
        assertThat(waiting.statusCode()).isEqualTo(202);
    }

    @Test
    void theGuardianAsksForMoreInformation_theRequesterAnswersByPost_andTheCaseIsBackInTheQueue() throws Exception {
        HttpResponse<String> held = holdImmigrationRead();
        String poll = held.headers().firstValue("Content-Location").orElseThrow();
        String caseId = caseIdOf(held);
        String question = "Which conviction, in which court, and when was the deportation order made?";

        WebDriver browser = Chromium.start(Files.createTempDirectory(Path.of("target"), "escalation-it-chromium"));
        try {
            signIn(browser, "cg-anne", GUARDIAN_PASSWORD);
            browser.findElement(By.cssSelector("a[href$='" + caseId + "']")).click();
            assertThat(heading(browser, "Immigration Enforcement (test)")).contains("Immigration Enforcement (test)");
            browser.findElement(By.id("question")).sendKeys(question);
            browser.findElement(By.xpath("//button[contains(., 'Ask the requester')]")).click();
            assertThat(heading(browser, "Question sent")).isEqualTo("Question sent");
        } finally {
            browser.quit();
        }
        assertThat(cases.find(caseId).orElseThrow().state().name()).isEqualTo("INFORMATION_REQUESTED");

        HttpResponse<String> asked = poll(poll, immigration());
        assertThat(asked.statusCode()).as(asked.body()).isEqualTo(202);
        assertThat(asked.headers().firstValue("Retry-After")).isPresent();
        JsonNode issues = JSON.readTree(asked.body()).path("issue");
        assertThat(issues).anySatisfy(issue -> {
            assertThat(issue.path("severity").asText()).isEqualTo("information");
            assertThat(issue.at("/details/coding/0/code").asText()).isEqualTo("DG-5107");
            assertThat(issue.at("/details/text").asText()).isEqualTo(question);
        });

        String answer = "Robbery, Snaresbrook Crown Court, 2024; order made 3 March 2026.";
        String parameters = JSON.writeValueAsString(JSON.createObjectNode().put("resourceType", "Parameters")
                .set("parameter", JSON.createArrayNode().add(JSON.createObjectNode().put("name", "answer")
                        .put("valueString", answer))));
        HttpResponse<String> stranger = send(HttpRequest.newBuilder(URI.create(poll))
                .header("Authorization", "Bearer " + police()).header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(parameters)));
        HttpResponse<String> bad = send(HttpRequest.newBuilder(URI.create(poll))
                .header("Authorization", "Bearer " + immigration()).header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Parameters\",\"parameter\":"
                        + "[{\"name\":\"answer\",\"valueInteger\":7}]}")));
        assertThat(stranger.statusCode()).isEqualTo(404);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(bad.body()).contains("DG-5015");
        assertThat(cases.find(caseId).orElseThrow().state().name()).isEqualTo("INFORMATION_REQUESTED");

        HttpResponse<String> answered = send(HttpRequest.newBuilder(URI.create(poll))
                .header("Authorization", "Bearer " + immigration()).header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(parameters)));
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(202);
        assertThat(answered.body()).contains("DG-5109");
        ReviewCase back = cases.find(caseId).orElseThrow();
        assertThat(back.state().name()).isEqualTo("PENDING");
        assertThat(back.asked().orElseThrow().answer()).isEqualTo(answer);
        HttpResponse<String> twice = send(HttpRequest.newBuilder(URI.create(poll))
                .header("Authorization", "Bearer " + immigration()).header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(parameters)));
        assertThat(twice.statusCode()).isEqualTo(409);

        WebDriver again = Chromium.start(Files.createTempDirectory(Path.of("target"), "escalation-it-chromium"));
        try {
            signIn(again, "cg-anne", GUARDIAN_PASSWORD);
            assertThat(again.findElement(By.tagName("body")).getText())
                    .contains("Answered by the requester; waiting for a decision");
            again.findElement(By.cssSelector("a[href$='" + caseId + "']")).click();
            assertThat(heading(again, "Immigration Enforcement (test)")).contains("Immigration Enforcement (test)");
            assertThat(again.findElement(By.tagName("body")).getText()).contains(question).contains(answer);
        } finally {
            again.quit();
        }
        List<StoredEntry> story = audit.forPatient("9000000009", 0, 10_000).stream()
                .filter(e -> e.entry().reviewCase().equals(caseId)).toList();
        assertThat(story).anyMatch(e -> "DG-5107".equals(e.entry().code()) && e.entry().reviewer().equals("cg-anne")
                && e.entry().status() == 0);
        StoredEntry answerEntry = only(audit.byRequestId(answered.headers().firstValue("X-DG-Request-Id")
                .orElseThrow()));
        assertThat(answerEntry.entry().code()).isEqualTo("DG-5109");
        assertThat(answerEntry.entry().reviewCase()).isEqualTo(caseId);
        assertThat(answerEntry.entry().status()).isEqualTo(202);
    }

    private void signIn(WebDriver browser, String id, String password) {
        browser.get("http://127.0.0.1:" + port + "/staff/login");
        browser.findElement(By.id("id")).sendKeys(id);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        assertThat(heading(browser, "Requests waiting")).contains("Requests waiting");
    }

    @Test
    void theCaldicottGuardian_refusesInTheBrowser_andTheRequesterIsToldWhy() throws Exception {
        HttpResponse<String> held = holdImmigrationRead();
        String poll = held.headers().firstValue("Content-Location").orElseThrow();
        String caseId = caseIdOf(held);

        WebDriver browser = Chromium.start(Files.createTempDirectory(Path.of("target"), "escalation-it-chromium"));
        try {
            browser.get("http://127.0.0.1:" + port + "/staff/login");
            browser.findElement(By.id("id")).sendKeys("cg-anne");
            browser.findElement(By.id("password")).sendKeys(GUARDIAN_PASSWORD);
            browser.findElement(By.cssSelector("button[type=submit]")).click();
            assertThat(heading(browser, "Requests waiting")).contains("Requests waiting");
            browser.findElement(By.cssSelector("a[href$='" + caseId + "']")).click();
            assertThat(heading(browser, "Immigration Enforcement (test)")).contains("Immigration Enforcement (test)");
            browser.findElement(By.id("reason")).sendKeys("No conviction for a serious crime is evidenced.");
            browser.findElement(By.xpath("//button[contains(., 'Refuse')]")).click();
            assertThat(heading(browser, "Refused")).isEqualTo("Refused");
            browser.get("http://127.0.0.1:" + port + "/staff/reviews");
            assertThat(browser.findElements(By.cssSelector("a[href$='" + caseId + "']")))
                    .as("a decided case leaves the queue").isEmpty();
        } finally {
            browser.quit();
        }

        HttpResponse<String> refused = poll(poll, immigration());
        assertThat(refused.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(refused.body()).at("/entry/0/response/outcome").toString()).contains("DG-5101")
                .contains("No conviction for a serious crime is evidenced.");
    }

    @Test
    void aDecisionPostedWithoutTheSessionsCsrfToken_isRefused() throws Exception {
        HttpResponse<String> held = send(HttpRequest.newBuilder(uri("/fhir/Patient/9000000009"))
                .header("Authorization", "Bearer " + immigration()));
        String caseId = caseIdOf(held);
        HttpResponse<String> signedIn = send(HttpRequest.newBuilder(uri("/staff/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("id=cg-anne&password="
                        + java.net.URLEncoder.encode(GUARDIAN_PASSWORD, java.nio.charset.StandardCharsets.UTF_8))));
        assertThat(signedIn.statusCode()).isEqualTo(303);
        String cookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
        assertThat(signedIn.headers().firstValue("Set-Cookie").orElseThrow()).contains("HttpOnly")
                .contains("SameSite=Strict");

        HttpResponse<String> forged = send(HttpRequest.newBuilder(uri("/staff/reviews/" + caseId + "/refuse"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", cookie)
                .POST(HttpRequest.BodyPublishers.ofString("reason=forged&csrf=not-the-token")));

        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(cases.find(caseId).orElseThrow().state().name()).isEqualTo("PENDING");
        HttpResponse<String> task = send(HttpRequest.newBuilder(uri("/staff/reviews/" + caseId + "/task"))
                .header("Cookie", cookie));
        assertThat(task.statusCode()).as(task.body()).isEqualTo(200);
        JsonNode taskJson = JSON.readTree(task.body());
        assertThat(taskJson.path("resourceType").asText()).isEqualTo("Task");
        assertThat(taskJson.path("status").asText()).isEqualTo("requested");
        assertThat(taskJson.at("/for/reference").asText()).isEqualTo("Patient/9000000009");
        assertThat(send(HttpRequest.newBuilder(uri("/staff/reviews/" + caseId + "/task"))).statusCode())
                .as("the Task needs a staff session").isEqualTo(303);
        HttpResponse<String> anonymous = send(HttpRequest.newBuilder(uri("/staff/reviews/" + caseId)));
        assertThat(anonymous.statusCode()).as("not signed in").isEqualTo(303);
    }

    private static Path staffFile() {
        try {
            Path file = Files.createTempDirectory(Path.of("target"), "escalation-staff").resolve("staff.yaml");
            Files.writeString(file, """
                    version: 1
                    staff:
                      - id: cg-anne
                        name: Dr Anne Example
                        roles: [caldicott-guardian]
                        passwordHash: '%s'
                      - id: cg-ben
                        name: Dr Ben Second
                        roles: [caldicott-guardian]
                        passwordHash: '%s'
                    """.formatted(StaffAccounts.hash(GUARDIAN_PASSWORD.toCharArray(), new java.security.SecureRandom()),
                            StaffAccounts.hash(SECOND_PASSWORD.toCharArray(), new java.security.SecureRandom())));
            return file.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void heldRequest_approvedByTheCaldicottGuardian_isReleasedOnceAndNoWiderThanApproved() throws Exception {
        HttpResponse<String> held = send(HttpRequest.newBuilder(uri("/fhir/Patient/9000000009"))
                .header("Authorization", "Bearer " + immigration()).header("Prefer", "respond-async"));

        assertThat(held.statusCode()).as(held.body()).isEqualTo(202);
        String poll = held.headers().firstValue("Content-Location").orElseThrow();
        String caseId = caseIdOf(held);
        assertThat(poll).startsWith("http://127.0.0.1:" + port + "/fhir/$review?case=");
        assertThat(held.body()).contains(caseId).doesNotContain("\"name\"");
        StoredEntry holding = only(audit.byRequestId(held.headers().firstValue("X-DG-Request-Id").orElseThrow()));
        assertThat(holding.entry().outcome()).isEqualTo(AuditOutcome.ESCALATE);
        assertThat(holding.entry().reviewCase()).isEqualTo(caseId);
        assertThat(cases.find(caseId)).isPresent();

        HttpResponse<String> waiting = poll(poll, immigration());
        assertThat(waiting.statusCode()).isEqualTo(202);
        assertThat(waiting.headers().firstValue("Retry-After")).isPresent();
        HttpResponse<String> tooSoon = poll(poll, immigration());
        assertThat(tooSoon.statusCode()).isEqualTo(429);
        assertThat(tooSoon.body()).contains("DG-5105");
        assertThat(tooSoon.headers().firstValue("Retry-After")).isPresent();
        HttpResponse<String> stranger = poll(poll, police());
        assertThat(stranger.statusCode()).isEqualTo(404);
        assertThat(stranger.body()).contains("DG-5001");

        ReviewCase open = cases.find(caseId).orElseThrow();
        Set<SecurityLabel> withheld = new LinkedHashSet<>(open.escalation().proposedWithheld());
        withheld.add(new SecurityLabel(ACT_CODE, "DOB"));
        cases.approve(caseId, Reviewer.of("cg-anne", "caldicott-guardian"), withheld, "identity confirmation only");
        assertThat(cases.find(caseId).orElseThrow().state().name()).isEqualTo("AWAITING_SECOND_APPROVAL");
        cases.approve(caseId, Reviewer.of("cg-ben", "caldicott-guardian"), withheld, "agreed");

        HttpResponse<String> released = poll(poll, immigration());
        assertThat(released.statusCode()).as(released.body()).isEqualTo(200);
        JsonNode bundle = JSON.readTree(released.body());
        assertThat(bundle.path("type").asText()).isEqualTo("batch-response");
        assertThat(bundle.at("/entry/0/response/status").asText()).startsWith("200");
        JsonNode patient = bundle.at("/entry/0/resource");
        assertThat(patient.path("id").asText()).isEqualTo("9000000009");
        assertThat(patient.has("name")).isTrue();
        assertThat(patient.has("address")).as("location withheld as the policy proposed").isFalse();
        assertThat(patient.has("birthDate")).as("date of birth withheld as the reviewer added").isFalse();
        assertThat(patient.path("meta").path("security").toString()).contains("NORDSCLCD").contains("REDACTED");
        StoredEntry release = only(audit.byRequestId(released.headers().firstValue("X-DG-Request-Id")
                .orElseThrow()));
        assertThat(release.entry().outcome()).isEqualTo(AuditOutcome.REDACT);
        assertThat(release.entry().reviewCase()).isEqualTo(caseId);
        assertThat(release.entry().reviewer()).isEqualTo("cg-ben");
        assertThat(release.entry().released()).containsExactly("Patient/9000000009");

        HttpResponse<String> again = poll(poll, immigration());
        assertThat(again.statusCode()).isEqualTo(410);
        assertThat(again.body()).contains("DG-5104").doesNotContain("\"name\"");
    }

    @Test
    void heldRequest_refusedByTheReviewer_answersTheRefusalWithItsReason() throws Exception {
        HttpResponse<String> held = send(HttpRequest.newBuilder(uri("/fhir/Patient/9000000009"))
                .header("Authorization", "Bearer " + immigration()));

        assertThat(held.statusCode()).as("without respond-async, a 403 naming the case").isEqualTo(403);
        String poll = held.headers().firstValue("Content-Location").orElseThrow();
        String caseId = caseIdOf(held);
        assertThat(held.body()).contains("DG-2105").contains(caseId);

        cases.refuse(caseId, Reviewer.of("cg-anne", "caldicott-guardian"),
                "The conviction cited does not meet the serious crime threshold.");

        HttpResponse<String> refused = poll(poll, immigration());
        assertThat(refused.statusCode()).isEqualTo(200);
        JsonNode bundle = JSON.readTree(refused.body());
        assertThat(bundle.at("/entry/0/response/status").asText()).startsWith("403");
        assertThat(bundle.at("/entry/0/response/outcome").toString()).contains("DG-5101")
                .contains("serious crime threshold");
        assertThat(bundle.at("/entry/0").has("resource")).isFalse();
    }

    @Test
    void theRequester_withdrawsItsHeldRequest_andNothingCanBeReleasedAfterwards() throws Exception {
        HttpResponse<String> held = holdImmigrationRead();
        String poll = held.headers().firstValue("Content-Location").orElseThrow();
        String caseId = caseIdOf(held);

        HttpResponse<String> stranger = send(HttpRequest.newBuilder(URI.create(poll))
                .header("Authorization", "Bearer " + police()).DELETE());
        HttpResponse<String> withdrawn = send(HttpRequest.newBuilder(URI.create(poll))
                .header("Authorization", "Bearer " + immigration()).DELETE());
        HttpResponse<String> again = send(HttpRequest.newBuilder(URI.create(poll))
                .header("Authorization", "Bearer " + immigration()).DELETE());

        assertThat(stranger.statusCode()).isEqualTo(404);
        assertThat(withdrawn.statusCode()).as(withdrawn.body()).isEqualTo(202);
        assertThat(withdrawn.body()).contains("DG-5106");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(cases.find(caseId).orElseThrow().state().name()).isEqualTo("WITHDRAWN");
        StoredEntry withdrawal = only(audit.byRequestId(withdrawn.headers().firstValue("X-DG-Request-Id")
                .orElseThrow()));
        assertThat(withdrawal.entry().reviewCase()).isEqualTo(caseId);
        assertThat(withdrawal.entry().interaction()).isEqualTo("delete");
        HttpResponse<String> polled = poll(poll, immigration());
        assertThat(polled.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(polled.body()).at("/entry/0/response/outcome").toString()).contains("DG-5106");
        assertThat(JSON.readTree(polled.body()).at("/entry/0").has("resource")).isFalse();
    }

    /**
     * The page's heading once the page that has it has loaded (after a click the old page can still be there for a
     * moment), or the heading there is after ten seconds, for the assertion to show.
     */
    private static String heading(WebDriver browser, String expected) {
        try {
            new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(10))
                    .ignoring(org.openqa.selenium.WebDriverException.class)
                    .until(d -> d.findElement(By.tagName("h1")).getText().contains(expected));
        } catch (org.openqa.selenium.TimeoutException e) {
            // fall through: the assertion reports what the page says
        }
        return browser.findElement(By.tagName("h1")).getText();
    }

    private HttpResponse<String> poll(String url, String token) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token));
    }

    private static String immigration() {
        return SignedTokens.es256(HOME_OFFICE, SignedTokens.claims("home-office", AUDIENCE, Instant.now())
                .claim("purpose_of_use", "IMMIGENF").claim("legal_basis", "DEPORT-SERIOUS-CRIME")
                .claim("case_reference", "HO-DEP-2026-0107").claim("requesting_officer", "IO 2231 B. Example"));
    }

    private static String police() {
        return SignedTokens.es256(POLICE, SignedTokens.claims("police", AUDIENCE, Instant.now())
                .claim("purpose_of_use", "CRIMEPREV").claim("legal_basis", "SERIOUS-CRIME")
                .claim("case_reference", "CR-1").claim("requesting_officer", "DC 1"));
    }

    private static StoredEntry only(List<StoredEntry> entries) {
        assertThat(entries).hasSize(1);
        return entries.get(0);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Path registry() {
        try {
            Path file = Files.createTempDirectory(Path.of("target"), "escalation-it").resolve("requesters.yaml");
            Files.writeString(file, """
                    version: 1
                    requesters:
                      - id: home-office
                        organisation: Immigration Enforcement (test)
                        class: immigration-enforcement
                        token: {clientId: home-office, keys: [{jwk: '%s'}]}
                      - id: police
                        organisation: Test Constabulary
                        class: police
                        token: {clientId: police, keys: [{jwk: '%s'}]}
                    """.formatted(SignedTokens.publicJwk(HOME_OFFICE), SignedTokens.publicJwk(POLICE)));
            return file.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An immigration-enforcement read of the PDS patient, held for review (asked with respond-async). */
    private HttpResponse<String> holdImmigrationRead() throws Exception {
        return send(HttpRequest.newBuilder(uri("/fhir/Patient/9000000009"))
                .header("Authorization", "Bearer " + immigration()).header("Prefer", "respond-async"));
    }

    /** The review case a held answer names in its poll address. */
    private static String caseIdOf(HttpResponse<?> held) {
        String poll = held.headers().firstValue("Content-Location").orElseThrow();
        return poll.substring(poll.indexOf("case=") + 5);
    }
}
