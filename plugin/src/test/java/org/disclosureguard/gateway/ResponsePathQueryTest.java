package org.disclosureguard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** How the guard re-encodes a requester's query for the practice server. */
class ResponsePathQueryTest {

    @Test
    void query_withNoParameters_isEmpty() {
        assertThat(ResponsePath.query(Map.of())).isEmpty();
    }

    @Test
    void query_isInParameterNameOrderWhateverTheRequestOrder() {
        Map<String, String[]> parameters = new LinkedHashMap<>();
        parameters.put("given", new String[] {"Jo"});
        parameters.put("_count", new String[] {"20"});
        parameters.put("family", new String[] {"Smith"});
        parameters.put("birthdate", new String[] {"1970"});

        assertThat(ResponsePath.query(parameters)).isEqualTo("?_count=20&birthdate=1970&family=Smith&given=Jo");
    }

    @Test
    void query_dropsFormatAndPretty() {
        Map<String, String[]> parameters = new LinkedHashMap<>();
        parameters.put("_format", new String[] {"json"});
        parameters.put("family", new String[] {"Smith"});
        parameters.put("_pretty", new String[] {"true"});

        assertThat(ResponsePath.query(parameters)).isEqualTo("?family=Smith");
    }

    @Test
    void query_withOnlyLocalParameters_isEmpty() {
        assertThat(ResponsePath.query(Map.of("_format", new String[] {"json"}, "_pretty", new String[] {"true"})))
                .isEmpty();
    }

    @Test
    void query_keepsRepeatedParametersInTheirOrder() {
        Map<String, String[]> parameters = Map.of(
                "birthdate", new String[] {"ge1970-01-01", "lt1980-01-01"},
                "given", new String[] {"Zoe", "Anne"});

        assertThat(ResponsePath.query(parameters))
                .isEqualTo("?birthdate=ge1970-01-01&birthdate=lt1980-01-01&given=Zoe&given=Anne");
    }

    @Test
    void query_encodesTokenSystemAndCode() {
        String query = ResponsePath.query(Map.of("identifier",
                new String[] {"https://fhir.nhs.uk/Id/nhs-number|9000000009"}));

        assertThat(query).isEqualTo("?identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number%7C9000000009");
    }

    @Test
    void query_encodesCommasColonsSpacesAndReservedCharacters() {
        Map<String, String[]> parameters = new LinkedHashMap<>();
        parameters.put("name:exact", new String[] {"van der Berg"});
        parameters.put("family", new String[] {"Smith,Jones"});
        parameters.put("address", new String[] {"1 High St & Co=#?+%"});
        parameters.put("given", new String[] {"Zoë"});

        String query = ResponsePath.query(parameters);

        assertThat(query).isEqualTo("?address=1+High+St+%26+Co%3D%23%3F%2B%25&family=Smith%2CJones"
                + "&given=Zo%C3%AB&name%3Aexact=van+der+Berg");
        assertThat(decode(query)).containsExactly(
                Map.entry("address", List.of("1 High St & Co=#?+%")),
                Map.entry("family", List.of("Smith,Jones")),
                Map.entry("given", List.of("Zoë")),
                Map.entry("name:exact", List.of("van der Berg")));
    }

    @Test
    void query_encodesAnEscapedCommaSoThatItStaysEscaped() {
        String query = ResponsePath.query(Map.of("family", new String[] {"Smith\\,Jones"}));

        assertThat(decode(query)).containsEntry("family", List.of("Smith\\,Jones"));
    }

    @Test
    void query_ofAnyParameters_isAValidUriQueryThatDecodesToTheSameParametersLessLocalOnes() {
        Random random = new Random(7_031_955L);
        String alphabet = "abcXYZ019 _-.:|,&=?#/%+\\\"'<>[]{}^`~!$()*;@\u00e9\u00eb\u4e2d\ud83d\ude00\t\n";
        String[] names = {"family", "given", "identifier", "_count", "_format", "_pretty", "name:exact",
            "address-postalcode", "_has:Observation:patient:code", "birthdate", "_include", "a b", "x|y"};
        for (int i = 0; i < 2_000; i++) {
            Map<String, String[]> parameters = new LinkedHashMap<>();
            int count = random.nextInt(5);
            for (int p = 0; p < count; p++) {
                String[] values = new String[1 + random.nextInt(3)];
                for (int v = 0; v < values.length; v++) {
                    values[v] = randomText(random, alphabet);
                }
                parameters.put(names[random.nextInt(names.length)], values);
            }

            String query = ResponsePath.query(parameters);

            assertThatCode(() -> URI.create("http://127.0.0.1:8090/fhir/Patient" + query))
                    .as(query).doesNotThrowAnyException();
            Map<String, List<String>> expected = new TreeMap<>();
            parameters.forEach((name, values) -> {
                if (!name.equals("_format") && !name.equals("_pretty")) {
                    expected.put(name, List.of(values));
                }
            });
            assertThat(decode(query)).as(query).isEqualTo(expected);
            assertThat(new ArrayList<>(decode(query).keySet())).as(query).isSorted();
        }
    }

    private static String randomText(Random random, String alphabet) {
        int[] codePoints = alphabet.codePoints().toArray();
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(12);
        for (int i = 0; i < length; i++) {
            text.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
        }
        return text.toString();
    }

    /** Decodes a query as a servlet container does: split on '&' and '=', then form-decode. */
    private static Map<String, List<String>> decode(String query) {
        Map<String, List<String>> decoded = new LinkedHashMap<>();
        if (query.isEmpty()) {
            return decoded;
        }
        assertThat(query).startsWith("?");
        for (String pair : query.substring(1).split("&")) {
            String[] nameValue = pair.split("=", -1);
            assertThat(nameValue).as(pair).hasSize(2);
            decoded.computeIfAbsent(URLDecoder.decode(nameValue[0], StandardCharsets.UTF_8), k -> new ArrayList<>())
                    .add(URLDecoder.decode(nameValue[1], StandardCharsets.UTF_8));
        }
        return decoded;
    }
}
