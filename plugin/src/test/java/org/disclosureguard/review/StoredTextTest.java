package org.disclosureguard.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.disclosureguard.labels.SecurityLabel;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Label sets and forwarded parameters survive the trip through their stored text exactly. */
class StoredTextTest {

    static final String ALPHABET = "aZ09:._-|,=&%+ ?#/\\\"'<>\n\tüß✓€\u0000";

    @TestFactory
    Stream<DynamicTest> parameters_roundTripExactly() {
        return IntStream.rangeClosed(1, 200).mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> {
            Random random = new Random(seed);
            Map<String, List<String>> params = new TreeMap<>();
            int names = random.nextInt(5);
            for (int i = 0; i < names; i++) {
                List<String> values = new ArrayList<>();
                int n = random.nextInt(4);
                for (int j = 0; j < n; j++) {
                    values.add(text(random));
                }
                params.put(text(random), values);
            }
            Map<String, List<String>> back = StoredText.parseParameters(StoredText.parameters(params));
            assertThat(back).isEqualTo(params);
            assertThat(new ArrayList<>(back.keySet())).containsExactlyElementsOf(params.keySet());
        }));
    }

    @TestFactory
    Stream<DynamicTest> labels_roundTripExactly() {
        return IntStream.rangeClosed(1, 100).mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> {
            Random random = new Random(seed);
            Set<SecurityLabel> labels = new HashSet<>();
            for (SecurityLabel label : PlainEnglish.DEMOGRAPHIC_LABELS) {
                if (random.nextBoolean()) {
                    labels.add(label);
                }
            }
            if (random.nextBoolean()) {
                labels.add(new SecurityLabel("urn:oid:1.2.3", "X" + random.nextInt(100)));
            }
            assertThat(StoredText.parseLabels(StoredText.labels(labels))).isEqualTo(labels);
        }));
    }

    @Test
    void labelsThatCannotBeStoredExactly_areRefused() {
        assertThatThrownBy(() -> StoredText.labels(Set.of(new SecurityLabel("http://x#y", "C"))))
                .hasMessageStartingWith("DG-5008");
        assertThatThrownBy(() -> StoredText.labels(Set.of(new SecurityLabel("http://x", "A B"))))
                .hasMessageStartingWith("DG-5008");
        assertThat(StoredText.parseLabels("")).isEmpty();
        assertThat(StoredText.parameters(new LinkedHashMap<>())).isEmpty();
    }

    static String text(Random random) {
        StringBuilder b = new StringBuilder();
        int n = random.nextInt(8);
        for (int i = 0; i < n; i++) {
            b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }
}
