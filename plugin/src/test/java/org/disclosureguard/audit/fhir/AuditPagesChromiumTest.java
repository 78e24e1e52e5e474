package org.disclosureguard.audit.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.disclosureguard.testsupport.Chromium;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.print.PrintOptions;

/**
 * Renders the transparency report and a patient's accounting page in real, headless Chromium, from files under
 * {@code target/audit-pages/}, and checks what a reader sees: headings, figures, and charts that have a size. Needs
 * Chromium ({@link Chromium}); without it the test fails and says so.
 */
class AuditPagesChromiumTest {

    private static final Path PAGES = Path.of("target", "audit-pages");
    private static WebDriver driver;

    @BeforeAll
    static void startChromium() throws IOException {
        driver = Chromium.start(PAGES.resolve("chromium-profile"));
    }

    @AfterAll
    static void stopChromium() {
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    void transparencyReport_rendersItsChartsAndFigures() throws IOException {
        TransparencyReport report = TransparencyReport.of(TransparencyReportTest.seededYear(20260314L),
                TransparencyReportTest.options(5));
        String html = report.html();
        open("transparency-report.html", html);

        assertThat(driver.findElement(By.tagName("h1")).getText()).contains("Transparency report");
        List<WebElement> headings = driver.findElements(By.tagName("h2"));
        assertThat(headings).extracting(WebElement::getText)
                .contains("At a glance", "Who asked", "Why they asked", "How requests were decided", "Month by month");
        assertThat(headings).allSatisfy(h -> assertThat(h.isDisplayed()).isTrue());

        WebElement requests = driver.findElement(By.cssSelector(".card[data-figure='requests'] .figure"));
        assertThat(requests.isDisplayed()).isTrue();
        assertThat(requests.getText()).isEqualTo(Long.toString(report.totals().get("requests").count()))
                .matches("[1-9][0-9]+");
        assertThat(driver.findElement(By.cssSelector(".card[data-figure='disclosures'] .figure")).getText())
                .isEqualTo(report.shown(report.totals().get("disclosures")));

        List<WebElement> charts = driver.findElements(By.cssSelector("svg.chart"));
        assertThat(charts).hasSize(7);
        for (WebElement chart : charts) {
            assertThat(chart.isDisplayed()).isTrue();
            assertThat(chart.getSize().getWidth()).as("chart width").isGreaterThan(300);
            assertThat(chart.getSize().getHeight()).as("chart height").isGreaterThan(20);
        }
        List<WebElement> bars = driver.findElements(By.cssSelector("svg.chart rect.bar"));
        assertThat(bars).isNotEmpty();
        for (WebElement bar : bars) {
            Number width = (Number) ((JavascriptExecutor) driver).executeScript(
                    "return arguments[0].getBoundingClientRect().width;", bar);
            assertThat(width.doubleValue()).as("rendered bar width").isGreaterThan(0.5);
        }
        assertThat(bars.size()).as("unsuppressed bars drawn solid")
                .isGreaterThan(driver.findElements(By.cssSelector("svg.chart rect.bar.suppressed")).size());
        assertThat(driver.findElement(By.tagName("body")).getText()).contains("Police", "Immigration enforcement", "Jan", "Dec");
        System.out.printf("Chromium rendered the report: %d charts, %d bars, page height %s px%n", charts.size(),
                bars.size(), ((JavascriptExecutor) driver).executeScript("return document.body.scrollHeight;"));

        byte[] pdf = Base64.getDecoder().decode(((ChromeDriver) driver).print(new PrintOptions()).getContent());
        Files.write(PAGES.resolve("transparency-report.pdf"), pdf);
        assertThat(new String(pdf, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
    }

    @Test
    void accountingPage_showsTheDisclosuresAndRefusalsAPatientReads() throws IOException {
        String html = DisclosureAccounting.html(DisclosureAccountingTest.PATIENT, DisclosureAccountingTest.year(),
                DisclosureAccountingTest.HEADING);
        open("accounting.html", html);

        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Who your information has been shared with");
        WebElement shared = driver.findElement(By.id("disclosures"));
        assertThat(shared.isDisplayed()).isTrue();
        List<WebElement> rows = shared.findElements(By.cssSelector("tbody tr"));
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0).getText()).contains("Metropolitan Police Service", "10 February 2026 at 09:30",
                "Address");
        assertThat(rows.get(0).getSize().getHeight()).isGreaterThan(10);
        assertThat(driver.findElement(By.id("refused")).getText()).contains("Home Office Immigration Enforcement");
        assertThat(driver.findElement(By.id("reviewed")).getText()).contains("Still being reviewed");
        Object scripts = ((JavascriptExecutor) driver).executeScript("return document.scripts.length;");
        assertThat(((Number) scripts).intValue()).isZero();

        byte[] pdf = Base64.getDecoder().decode(((ChromeDriver) driver).print(new PrintOptions()).getContent());
        Files.write(PAGES.resolve("accounting.pdf"), pdf);
        assertThat(new String(pdf, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
    }

    private static void open(String name, String html) throws IOException {
        Files.createDirectories(PAGES);
        Path file = PAGES.resolve(name).toAbsolutePath();
        Files.writeString(file, html, StandardCharsets.UTF_8);
        driver.get(file.toUri().toString());
    }
}
