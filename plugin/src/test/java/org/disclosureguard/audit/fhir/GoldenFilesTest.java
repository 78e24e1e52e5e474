package org.disclosureguard.audit.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

/**
 * The published shapes, pinned: the transparency report JSON of the hand-counted year and the AuditEvents of one
 * external read, compared as JSON trees with the files under {@code src/test/resources/.../audit/fhir/}. A change
 * to either shape must change these files on purpose. On a mismatch the actual output is written to
 * {@code target/golden/} for comparison.
 */
class GoldenFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void transparencyReportJson_ofTheHandCountedYear_isThePinnedShape() throws IOException {
        String actual = TransparencyReport.of(TransparencyReportTest.handCounted(), TransparencyReportTest.options(5))
                .json();
        compare("transparency-report-hand-counted.json", actual);
    }

    @Test
    void auditEvents_ofAnExternalRead_areThePinnedResources() throws IOException {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
        AuditEvents.from(Entries.entry().build()).forEach(e -> bundle.addEntry()
                .setFullUrl("urn:uuid:" + e.getIdElement().getIdPart()).setResource(e));
        String actual = BalpValidator.FHIR.newJsonParser().setPrettyPrint(true).encodeResourceToString(bundle);
        compare("audit-events-external-read.json", actual);
    }

    private static void compare(String name, String actual) throws IOException {
        Path out = Path.of("target", "golden", name);
        Files.createDirectories(out.getParent());
        Files.writeString(out, actual, StandardCharsets.UTF_8);
        try (InputStream in = GoldenFilesTest.class.getResourceAsStream(name)) {
            assertThat(in).as("golden file %s (actual output written to %s)", name, out.toAbsolutePath()).isNotNull();
            JsonNode expected = JSON.readTree(in);
            assertThat(JSON.readTree(actual)).as("%s differs from %s", out.toAbsolutePath(), name).isEqualTo(expected);
        }
    }
}
