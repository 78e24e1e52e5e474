package org.disclosureguard.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Looks for canaries in everything that left the guard, in every form a canary could take on the way out: as it is,
 * URL-encoded (form encoding, and every byte percent-encoded), base64 and base64url inside a longer encoded text (at
 * each of the three byte alignments), XML/HTML-escaped (markup characters, and every character as a decimal or
 * hexadecimal character reference) and JSON-escaped (every character as {@code \\u} and four hexadecimal digits).
 * Text forms are matched without regard to case; base64 forms exactly. Stateless.
 */
public final class CanaryScan {

    private CanaryScan() {}

    /** One way a canary can be written. */
    public record Form(String name, String text, boolean caseSensitive) {}

    /** Every form of the canary this scan looks for. */
    public static List<Form> forms(String canary) {
        if (canary.length() < 6) {
            throw new IllegalArgumentException("a canary must be at least 6 characters long to be scanned for");
        }
        byte[] bytes = canary.getBytes(StandardCharsets.UTF_8);
        List<Form> forms = new ArrayList<>();
        forms.add(new Form("raw", canary, false));
        forms.add(new Form("url-encoded", java.net.URLEncoder.encode(canary, StandardCharsets.UTF_8), false));
        StringBuilder percent = new StringBuilder();
        StringBuilder decimal = new StringBuilder();
        StringBuilder hex = new StringBuilder();
        StringBuilder json = new StringBuilder();
        for (byte b : bytes) {
            percent.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
        }
        canary.codePoints().forEach(cp -> {
            decimal.append("&#").append(cp).append(';');
            hex.append("&#x").append(Integer.toHexString(cp)).append(';');
            json.append(String.format(Locale.ROOT, "\\u%04x", cp));
        });
        forms.add(new Form("percent-encoded", percent.toString(), false));
        forms.add(new Form("xml-escaped", canary.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;").replace("'", "&apos;"), false));
        forms.add(new Form("xml-decimal-references", decimal.toString(), false));
        forms.add(new Form("xml-hex-references", hex.toString(), false));
        forms.add(new Form("json-unicode-escaped", json.toString(), false));
        for (int offset = 0; offset < 3; offset++) {
            forms.add(new Form("base64@" + offset, base64Core(Base64.getEncoder(), bytes, offset), true));
            forms.add(new Form("base64url@" + offset, base64Core(Base64.getUrlEncoder(), bytes, offset), true));
        }
        return forms;
    }

    /**
     * @return the first canary found in the text, named with the form it was found in ({@code "raw Cnry..."}), or
     *     empty when none is there
     */
    public static Optional<String> find(String text, Collection<String> canaries) {
        String lower = text.toLowerCase(Locale.ROOT);
        for (String canary : canaries) {
            for (Form form : forms(canary)) {
                boolean found = form.caseSensitive() ? text.contains(form.text())
                        : lower.contains(form.text().toLowerCase(Locale.ROOT));
                if (found) {
                    return Optional.of(form.name() + " " + canary);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The part of the base64 encoding of the canary that is the same wherever the canary sits in a longer text,
     * given how many bytes precede it modulo three: only the 4-character groups made entirely of canary bytes.
     */
    private static String base64Core(Base64.Encoder encoder, byte[] canary, int offset) {
        byte[] shifted = new byte[offset + canary.length];
        System.arraycopy(canary, 0, shifted, offset, canary.length);
        String encoded = encoder.encodeToString(shifted);
        int firstGroup = (offset + 2) / 3;
        int endGroup = (offset + canary.length) / 3;
        return encoded.substring(4 * firstGroup, 4 * endGroup);
    }
}
