package org.disclosureguard.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keeps {@code docs/requesters.md} true: its registry example loads, and its code tables match the code. */
class RequestersDocumentationTest {

    /** Surefire runs in the module directory; the docs are beside it. */
    private static final Path DOC = Path.of("..", "docs", "requesters.md");

    @Test
    void registryExample_loads(@TempDir Path directory) throws IOException {
        String doc = Files.readString(DOC);
        Matcher block = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertThat(block.find()).isTrue();
        Files.createDirectories(directory.resolve("keys"));
        Files.writeString(directory.resolve("keys/met-police-2025.pem"), TestKeys.publicPem(TestKeys.RSA));
        Files.writeString(directory.resolve("requesters.yaml"), block.group(1));

        RequesterRegistry registry = RequesterRegistry.load(directory.resolve("requesters.yaml"));

        assertThat(registry.requesters()).extracting(RegisteredRequester::id)
                .containsExactly("met-police-sc", "ukhsa-north", "practice-ehr");
        assertThat(registry.byId("met-police-sc").orElseThrow().token().keys()).hasSize(2);
    }

    @Test
    void errorTable_listsEveryAuthenticationErrorWithItsStatus() throws IOException {
        String doc = Files.readString(DOC);
        Set<String> rows = new LinkedHashSet<>();
        Matcher row = Pattern.compile("(?m)^\\| (DG-3\\d{3}) \\| (\\d{3}) \\|").matcher(doc);
        while (row.find()) {
            rows.add(row.group(1) + " " + row.group(2));
        }
        List<String> expected = new ArrayList<>();
        for (AuthenticationError e : AuthenticationError.values()) {
            expected.add(e.code() + " " + e.httpStatus());
        }

        assertThat(rows).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void commandErrorTable_listsEveryPartnerCaCode() throws Exception {
        String doc = Files.readString(DOC);
        Set<String> documented = new LinkedHashSet<>();
        Matcher row = Pattern.compile("(?m)^\\| (DG-93\\d{2}) \\|").matcher(doc);
        while (row.find()) {
            documented.add(row.group(1));
        }
        Set<String> codes = new LinkedHashSet<>();
        for (Field field : PartnerCaException.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                codes.add((String) field.get(null));
            }
        }

        assertThat(documented).containsExactlyInAnyOrderElementsOf(codes);
    }

    @Test
    void everyCodeIsUnique() {
        Set<String> codes = new LinkedHashSet<>();
        for (AuthenticationError e : AuthenticationError.values()) {
            assertThat(codes.add(e.code())).as(e.code()).isTrue();
        }
    }
}
