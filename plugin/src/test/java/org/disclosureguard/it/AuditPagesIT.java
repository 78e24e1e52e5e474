package org.disclosureguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.disclosureguard.app.DisclosureGuardApplication;
import org.disclosureguard.testsupport.Chromium;
import org.disclosureguard.testsupport.PracticeServer;
import org.disclosureguard.testsupport.SignedTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The accounting of disclosures and the transparency report for real traffic: outside requesters ask the guard in
 * front of the real practice server about the PDS patient 9000000009 (public health gets a redacted record;
 * immigration enforcement is refused; the benefits department is refused), then practice staff open the patient's
 * accounting and the report, as Bundle and JSON and as pages rendered in real Chromium.
 */
@SpringBootTest(classes = DisclosureGuardApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "guard.practice-name=Riverside Surgery (test)")
class AuditPagesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String AUDIENCE = "https://guard.practice.test/fhir";
    private static final KeyPair AGENCY = SignedTokens.ec();
    private static final KeyPair HOME_OFFICE = SignedTokens.ec();
    private static final KeyPair DEPARTMENT = SignedTokens.ec();
    private static final Path DIR = directory();
    private static WebDriver browser;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void guard(DynamicPropertyRegistry registry) {
        registry.add("guard.upstream.base-url", () -> PracticeServer.shared().baseUrl().toString());
        registry.add("guard.identity.registry-file", () -> registry().toString());
        registry.add("guard.identity.audience", () -> AUDIENCE);
        registry.add("guard.data-dir", () -> DIR.resolve("data").toString());
    }

    @BeforeAll
    static void startBrowser() throws IOException {
        browser = Chromium.start(DIR.resolve("chromium-profile"));
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void thePatientsAccountingAndTheReport_showWhatHappened() throws Exception {
        String birthDate = JSON.readTree(HTTP.send(HttpRequest.newBuilder(
                URI.create(PracticeServer.shared().baseUrl() + "/Patient/9000000009")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).path("birthDate").asText();
        String search = "Patient?identifier=" + URLEncoder.encode("https://fhir.nhs.uk/Id/nhs-number|9000000009",
                StandardCharsets.UTF_8) + "&birthdate=" + birthDate;
        assertThat(ask("Patient/9000000009", SignedTokens.es256(AGENCY, claims("agency", "PUBHLTH",
                "PUBLIC-HEALTH-STATUTORY"))).statusCode()).isEqualTo(200);
        assertThat(ask(search, SignedTokens.es256(HOME_OFFICE, claims("home-office", "IMMIGENF",
                "IMMIGRATION-ADMIN"))).statusCode()).isEqualTo(403);
        assertThat(ask(search, SignedTokens.es256(DEPARTMENT, claims("department", "BENEFITFRAUD",
                "BENEFIT-TAX"))).statusCode()).isEqualTo(403);

        HttpResponse<String> bundle = staff("/staff/audit/patients/9000000009");
        assertThat(bundle.statusCode()).isEqualTo(200);
        JsonNode events = JSON.readTree(bundle.body());
        assertThat(events.path("type").asText()).isEqualTo("collection");
        assertThat(events.toString()).contains("IHE.BasicAudit.PrivacyDisclosure.Source")
                .contains("IHE.BasicAudit.AuthZconsent").contains("nhs-number");

        browser.get(base() + "/staff/audit/patients/9000000009/accounting");
        String page = browser.findElement(By.tagName("body")).getText();
        assertThat(browser.findElement(By.tagName("h1")).isDisplayed()).isTrue();
        assertThat(page).contains("Riverside Surgery (test)").contains("Health Protection Agency (test)")
                .contains("Immigration Enforcement (test)").contains("Benefits Department (test)");

        LocalDate today = LocalDate.now(ZoneId.of("Europe/London"));
        String period = "?from=" + today.withDayOfMonth(1) + "&until=" + today.plusDays(1) + "&threshold=0";
        HttpResponse<String> json = staff("/staff/audit/report" + period);
        assertThat(json.statusCode()).as(json.body()).isEqualTo(200);
        assertThat(json.body()).doesNotContain("9000000009").doesNotContain("HO-");
        browser.get(base() + "/staff/audit/report.html" + period);
        assertThat(browser.findElement(By.tagName("h1")).getText()).contains("Transparency report");
        List<WebElement> charts = browser.findElements(By.tagName("svg"));
        assertThat(charts).isNotEmpty();
        assertThat(charts).allSatisfy(chart -> assertThat(chart.getSize().getWidth()).isPositive());
        assertThat(browser.findElement(By.cssSelector(".card[data-figure='disclosures'] .figure")).getText())
                .matches("[1-9][0-9]*");
    }

    @Test
    void reportWithABadPeriod_isA400() throws Exception {
        HttpResponse<String> answer = staff("/staff/audit/report?from=2026-13-01&until=2026-01-01");

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("OperationOutcome").doesNotContain("Exception");
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private HttpResponse<String> ask(String relative, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/fhir/" + relative))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> staff(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JWTClaimsSet.Builder claims(String clientId, String purpose, String legalBasis) {
        return SignedTokens.claims(clientId, AUDIENCE, Instant.now()).claim("purpose_of_use", purpose)
                .claim("legal_basis", legalBasis).claim("case_reference", "HO-2026-1")
                .claim("requesting_officer", "Officer 1");
    }

    private static Path directory() {
        try {
            return Files.createTempDirectory(Path.of("target"), "audit-pages-it").toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path registry() {
        try {
            Path file = DIR.resolve("requesters.yaml");
            if (!Files.exists(file)) {
                Files.writeString(file, """
                        version: 1
                        requesters:
                          - id: agency
                            organisation: Health Protection Agency (test)
                            class: public-health
                            token: {clientId: agency, keys: [{jwk: '%s'}]}
                          - id: home-office
                            organisation: Immigration Enforcement (test)
                            class: immigration-enforcement
                            token: {clientId: home-office, keys: [{jwk: '%s'}]}
                          - id: department
                            organisation: Benefits Department (test)
                            class: benefits
                            token: {clientId: department, keys: [{jwk: '%s'}]}
                        """.formatted(SignedTokens.publicJwk(AGENCY), SignedTokens.publicJwk(HOME_OFFICE),
                        SignedTokens.publicJwk(DEPARTMENT)));
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
