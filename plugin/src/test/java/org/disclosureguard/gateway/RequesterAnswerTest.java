package org.disclosureguard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a requester may send as the answer to a reviewer's question, and what is refused whole. */
class RequesterAnswerTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aParametersResourceWithOneAnswer_isRead_stripped() {
        assertThat(RequesterAnswer.parse(utf8("""
                {"resourceType":"Parameters","parameter":[{"name":"answer","valueString":"  Robbery, 2024.\\n "}]}
                """))).isEqualTo("Robbery, 2024.");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "not json",
        "[]",
        "{\"resourceType\":\"Patient\",\"parameter\":[{\"name\":\"answer\",\"valueString\":\"x\"}]}",
        "{\"resourceType\":\"Parameters\"}",
        "{\"resourceType\":\"Parameters\",\"parameter\":[]}",
        "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"reply\",\"valueString\":\"x\"}]}",
        "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"answer\",\"valueInteger\":1}]}",
        "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"answer\",\"valueString\":\"   \"}]}",
        "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"answer\",\"valueString\":\"a\"},"
                + "{\"name\":\"answer\",\"valueString\":\"b\"}]}",
        "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"answer\",\"valueString\":\"a\","
                + "\"part\":[]}]}",
        "{\"resourceType\":\"Parameters\",\"contained\":[],\"parameter\":[{\"name\":\"answer\",\"valueString\":\"a\"}]}",
        "{\"resourceType\":\"Parameters\",\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"answer\","
                + "\"valueString\":\"a\"}]}",
        "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"answer\",\"valueString\":\"a\\u0000b\"}]}"
    })
    void anythingElse_isRefused(String body) {
        assertThat(RequesterAnswer.parse(utf8(body))).isNull();
    }

    @Test
    void anAnswerOverTheLimit_isRefused_andOneAtTheLimitIsRead() {
        String at = "x".repeat(RequesterAnswer.MAX_LENGTH);
        assertThat(RequesterAnswer.parse(utf8("{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"answer\","
                + "\"valueString\":\"" + at + "\"}]}"))).isEqualTo(at);
        assertThat(RequesterAnswer.parse(utf8("{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"answer\","
                + "\"valueString\":\"" + at + "x\"}]}"))).isNull();
        assertThat(RequesterAnswer.parse(null)).isNull();
    }

    @TestFactory
    Iterable<DynamicTest> randomBytes_neverThrow_seed20261123() {
        Random random = new Random(20261123L);
        java.util.List<DynamicTest> tests = new java.util.ArrayList<>();
        String valid = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"answer\",\"valueString\":\"ok\"}]}";
        for (int i = 0; i < 200; i++) {
            byte[] body = utf8(valid);
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                body[random.nextInt(body.length)] = (byte) random.nextInt(256);
            }
            int n = i;
            tests.add(DynamicTest.dynamicTest("mutation " + n, () -> {
                String parsed = RequesterAnswer.parse(body);
                assertThat(parsed == null || (!parsed.isBlank() && parsed.length() <= RequesterAnswer.MAX_LENGTH))
                        .isTrue();
            }));
        }
        return tests;
    }
}
