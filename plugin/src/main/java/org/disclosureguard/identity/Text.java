package org.disclosureguard.identity;

/** Making text that may come from a request safe for a log line. Stateless. */
final class Text {

    private static final int MAX = 300;

    private Text() {}

    /** Replaces control and non-ASCII characters with {@code ?} and shortens to 300 characters. */
    static String printable(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX));
        for (int i = 0; i < text.length() && out.length() < MAX; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (text.length() > MAX) {
            out.append("...");
        }
        return out.toString();
    }
}
