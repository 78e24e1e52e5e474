package org.disclosureguard.text;

/** Escapes text for HTML element content and quoted attribute values. Stateless. */
public final class HtmlText {

    private HtmlText() {}

    /**
     * The text with {@code & < > " '} escaped and control characters (other than newline and tab, and DEL) replaced
     * by a space, so that nothing in it can open markup, end an attribute, or hide in the page; empty for
     * {@code null}.
     */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f ? ' ' : c);
            }
        }
        return out.toString();
    }
}
