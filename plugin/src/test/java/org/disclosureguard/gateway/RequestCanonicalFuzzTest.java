package org.disclosureguard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Fuzzes the canonicaliser of the request path: how the parameters HAPI decoded from a requester's query become
 * the query sent to the practice server ({@link ResponsePath#query}) and the parameters the policy decides on
 * ({@code DisclosureControl.forwardedParameters}), and how the practice server's links are rebased onto the guard
 * ({@link LinkRewriter#rebase}). The oracles: the practice server is asked exactly what the policy saw (decoding the
 * forwarded query gives back the policy's parameters, in a stable order, without the guard's own {@code _format}
 * and {@code _pretty}); no parameter can change the upstream path or add a fragment; canonicalising twice changes
 * nothing; and a rebased link is always on the guard. Seeds in {@code RequestCanonicalFuzzTestInputs/}; see
 * {@code docs/security-testing.md}.
 */
class RequestCanonicalFuzzTest {

    private static final URI UPSTREAM = URI.create("http://practice.test:8090/fhir");
    private static final String UPSTREAM_BASE = UPSTREAM.toString();
    private static final String GUARD_BASE = "https://guard.example.org/fhir";
    /** What {@link java.net.URLEncoder} may write, plus the separators {@link ResponsePath#query} adds. */
    private static final Pattern ENCODED_QUERY = Pattern.compile("(\\?[A-Za-z0-9._*+%=&-]*)?");
    private static final Method FORWARDED = forwardedParametersMethod();

    /**
     * A raw query string, decoded as the servlet container decodes a form ({@code +} is a space, {@code %XX} is
     * UTF-8) into the parameters HAPI hands over, is forwarded so that the practice server decodes exactly the
     * parameters the policy decided on. Any decoded name or value can be reached this way.
     */
    @FuzzTest(maxDuration = "5m")
    void rawQuery_keepsItsDecodedMeaningUpstream(byte[] input) {
        String raw = new String(input, StandardCharsets.UTF_8);
        Map<String, String[]> parameters = formDecode(raw);
        if (parameters == null) {
            return;
        }
        checkCanonical(parameters);
    }

    /** A link the guard rebases lands on the guard's base, and only links on the practice server's base are kept. */
    @FuzzTest(maxDuration = "5m")
    void rebase_keepsLinksOnTheGuard(byte[] input) {
        String url = new String(input, StandardCharsets.UTF_8);
        String rebased = LinkRewriter.rebase(url, UPSTREAM_BASE, GUARD_BASE);
        if (rebased == null) {
            assertThat(url.equals(UPSTREAM_BASE) || url.startsWith(UPSTREAM_BASE + "/")
                    || url.startsWith(UPSTREAM_BASE + "?")).as("a link on the practice server's base was dropped")
                    .isFalse();
            return;
        }
        assertThat(url).startsWith(UPSTREAM_BASE);
        assertThat(rebased).isEqualTo(GUARD_BASE + url.substring(UPSTREAM_BASE.length()));
        URI parsed;
        try {
            parsed = URI.create(rebased);
        } catch (IllegalArgumentException notAUri) {
            return;
        }
        assertThat(parsed.getScheme()).isEqualTo("https");
        assertThat(parsed.getRawAuthority()).as("authority of %s", rebased).isEqualTo("guard.example.org");
        assertThat(LinkRewriter.rebase(rebased, UPSTREAM_BASE, GUARD_BASE)).as("rebasing twice").isNull();
    }

    private static void checkCanonical(Map<String, String[]> parameters) {
        String query = ResponsePath.query(parameters);
        Map<String, List<String>> policySaw = forwardedParameters(parameters);

        assertThat(query).as("only encoded characters and separators").matches(ENCODED_QUERY);
        Map<String, List<String>> expected = new TreeMap<>();
        policySaw.forEach((name, values) -> {
            if (!values.isEmpty()) {
                expected.put(name, values);
            }
        });
        Map<String, String[]> decoded = formDecode(query.isEmpty() ? "" : query.substring(1));
        assertThat(decoded).as("the forwarded query %s decodes", query).isNotNull();
        assertThat(asLists(decoded)).as("what the practice server decodes from %s", query).isEqualTo(expected);
        assertThat(List.copyOf(asLists(decoded).keySet())).as("parameter order").isEqualTo(
                List.copyOf(expected.keySet()));
        assertThat(decoded).doesNotContainKeys("_format", "_pretty");

        URI upstream = URI.create(UPSTREAM + "/Patient" + query);
        assertThat(upstream.getRawPath()).isEqualTo("/fhir/Patient");
        assertThat(upstream.getRawFragment()).isNull();
        assertThat(upstream.getHost()).isEqualTo("practice.test");
        assertThat(upstream.getRawQuery()).isEqualTo(query.isEmpty() ? null : query.substring(1));

        assertThat(ResponsePath.query(decoded)).as("canonicalising twice").isEqualTo(query);
    }

    /** The parameters the policy decides on, from the function the request path calls. */
    @SuppressWarnings("unchecked")
    private static Map<String, List<String>> forwardedParameters(Map<String, String[]> parameters) {
        ResponsePath.Inbound inbound = new ResponsePath.Inbound(ResponsePath.Interaction.SEARCH, "Patient", null,
                parameters, Map.of(), GUARD_BASE, DisclosureControl.Connection.plain("127.0.0.1"));
        try {
            return (Map<String, List<String>>) FORWARDED.invoke(null, inbound);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
        }
    }

    private static Method forwardedParametersMethod() {
        try {
            Method method = DisclosureControl.class.getDeclaredMethod("forwardedParameters",
                    ResponsePath.Inbound.class);
            method.setAccessible(true);
            return method;
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Decodes {@code application/x-www-form-urlencoded} as a servlet container does for a query: pairs split on
     * {@code &}, a pair without {@code =} is a name with an empty value, empty pairs are skipped. {@code null} if
     * the text is not valid encoding (the container refuses such a request before the guard sees it).
     */
    static Map<String, String[]> formDecode(String raw) {
        Map<String, List<String>> decoded = new LinkedHashMap<>();
        for (String pair : raw.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException badEncoding) {
                return null;
            }
            decoded.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        Map<String, String[]> arrays = new LinkedHashMap<>();
        decoded.forEach((name, values) -> arrays.put(name, values.toArray(String[]::new)));
        return arrays;
    }

    private static Map<String, List<String>> asLists(Map<String, String[]> parameters) {
        Map<String, List<String>> lists = new LinkedHashMap<>();
        parameters.forEach((name, values) -> lists.put(name, List.of(values)));
        return lists;
    }
}
