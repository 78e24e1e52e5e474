package org.disclosureguard.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Real, headless Chromium for the page tests: Debian's {@code chromium} and {@code chromium-driver}
 * ({@code apt-get install -y chromium chromium-driver}), or the browser and driver named by {@code CHROME_BIN} and
 * {@code CHROMEDRIVER}. Without them {@link #start} fails and says how to install them.
 */
public final class Chromium {

    private Chromium() {}

    /** Starts a headless browser with its profile in the given directory; quit it when done. */
    public static WebDriver start(Path profileDirectory) throws IOException {
        Path chromium = firstExisting("CHROME_BIN", "/usr/bin/chromium", "/usr/bin/chromium-browser",
                "/usr/bin/google-chrome");
        Path chromedriver = firstExisting("CHROMEDRIVER", "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        if (chromium == null || chromedriver == null) {
            throw new AssertionError("This test renders pages in real Chromium and needs it installed: "
                    + "run `apt-get update && apt-get install -y chromium chromium-driver` (Debian/Ubuntu), or set "
                    + "CHROME_BIN and CHROMEDRIVER to a Chromium and its matching chromedriver. Found browser: "
                    + chromium + ", driver: " + chromedriver);
        }
        Path profile = Files.createDirectories(profileDirectory).toAbsolutePath();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1600", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static Path firstExisting(String env, String... candidates) {
        String fromEnv = System.getenv(env);
        if (fromEnv != null && !fromEnv.isBlank()) {
            Path p = Path.of(fromEnv);
            return Files.isExecutable(p) ? p : null;
        }
        for (String c : candidates) {
            Path p = Path.of(c);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
