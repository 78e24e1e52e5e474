package org.disclosureguard.review;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@code docs/escalation.md} lists exactly the review codes the code has, each with its meaning. */
class ReviewDocsTest {

    static Path escalationDoc() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path doc = dir.resolve("docs/escalation.md");
            if (Files.isRegularFile(doc)) {
                return doc;
            }
        }
        throw new IllegalStateException("cannot find docs/escalation.md from " + Path.of("").toAbsolutePath());
    }

    @Test
    void codesTable_listsEveryReviewErrorAndNoOther() throws Exception {
        String doc = Files.readString(escalationDoc());
        Set<String> documented = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\| (DG-5\\d{3}) \\|").matcher(doc);
        while (m.find()) {
            documented.add(m.group(1));
        }
        Set<String> codes = Arrays.stream(ReviewError.values()).map(ReviewError::code)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(documented).isEqualTo(codes);
        assertThat(codes).hasSize(ReviewError.values().length);
    }

    @Test
    void everyCaseStateIsDescribed() throws Exception {
        String doc = Files.readString(escalationDoc());
        for (CaseState state : CaseState.values()) {
            assertThat(doc).contains("| " + state.name() + " ");
        }
    }
}
