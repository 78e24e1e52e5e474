package org.disclosureguard.bench.load;

/** The four ways the same request reaches the practice server. */
enum Level {
    L0("L0 direct", "the practice server itself, no proxy"),
    L1("L1 pass-through", "HAPI routing on the guard's stack, upstream bytes relayed unparsed"),
    L2("L2 floor", "the guard with no label rules: strict JSON-tree parse, link rewriting, re-encode"),
    L3("L3 full guard", "the guard with its default configuration");

    private final String title;
    private final String description;

    Level(String title, String description) {
        this.title = title;
        this.description = description;
    }

    String title() {
        return title;
    }

    String description() {
        return description;
    }

    /** Whether a guard-side process (with its own CPU counters and heap probe) sits in front of the practice server. */
    boolean proxied() {
        return this != L0;
    }
}
