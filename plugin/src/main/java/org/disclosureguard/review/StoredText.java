package org.disclosureguard.review;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.disclosureguard.labels.SecurityLabel;

/**
 * How label sets and forwarded parameters are written in the {@code review_case} table. Label sets: sorted,
 * space-separated {@code system#code} tokens. Parameters: {@code application/x-www-form-urlencoded} text in
 * parameter order ({@code name=value&name=value}); a name without values is written as the encoded name and
 * {@code !}, which the encoding never produces itself. Stateless.
 */
final class StoredText {

    private StoredText() {
    }

    static String labels(Collection<SecurityLabel> labels) {
        TreeSet<String> tokens = new TreeSet<>();
        for (SecurityLabel label : labels) {
            if (label.system().contains("#") || hasSpace(label.system()) || hasSpace(label.code())) {
                throw new ReviewException(ReviewError.INVALID_CASE, "the label '" + label
                        + "' cannot be stored: a system without '#' and codes without spaces are required");
            }
            tokens.add(label.system() + "#" + label.code());
        }
        return String.join(" ", tokens);
    }

    static Set<SecurityLabel> parseLabels(String text) {
        if (text == null || text.isBlank()) {
            return Set.of();
        }
        Set<SecurityLabel> labels = new TreeSet<>((a, b) -> a.toString().compareTo(b.toString()));
        for (String token : text.strip().split(" +")) {
            int hash = token.indexOf('#');
            if (hash <= 0 || hash == token.length() - 1) {
                throw new IllegalStateException("a stored label is damaged: '" + token + "'");
            }
            labels.add(new SecurityLabel(token.substring(0, hash), token.substring(hash + 1)));
        }
        return Set.copyOf(labels);
    }

    static String parameters(Map<String, List<String>> params) {
        List<String> pairs = new ArrayList<>();
        params.forEach((name, values) -> {
            if (values.isEmpty()) {
                pairs.add(encode(name) + "!");
            }
            for (String value : values) {
                pairs.add(encode(name) + "=" + encode(value));
            }
        });
        return String.join("&", pairs);
    }

    static Map<String, List<String>> parseParameters(String text) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return params;
        }
        for (String pair : text.split("&", -1)) {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                if (!pair.endsWith("!")) {
                    throw new IllegalStateException("stored parameters are damaged: '" + pair + "'");
                }
                params.computeIfAbsent(decode(pair.substring(0, pair.length() - 1)), k -> new ArrayList<>());
            } else {
                params.computeIfAbsent(decode(pair.substring(0, eq)), k -> new ArrayList<>())
                        .add(decode(pair.substring(eq + 1)));
            }
        }
        return params;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static boolean hasSpace(String s) {
        return s.chars().anyMatch(Character::isWhitespace);
    }
}
