package org.disclosureguard.config;

/**
 * A configuration file is invalid. The message names the source and the line, so that a practice can fix the
 * file without reading code; it never carries a stack trace to the user.
 */
public final class ConfigException extends RuntimeException {

    private final String source;
    private final int line;

    public ConfigException(String source, int line, String problem) {
        super(source + (line > 0 ? ":" + line : "") + ": " + problem);
        this.source = source;
        this.line = line;
    }

    /** The file or resource name the problem was found in. */
    public String source() {
        return source;
    }

    /** The 1-based line of the problem, or 0 when the problem is not tied to a line. */
    public int line() {
        return line;
    }
}
