package org.disclosureguard.bench.load;

import java.util.List;

/**
 * The requests of the benchmark. Each names its path below a FHIR base, what a correct answer looks like, the
 * levels it runs against, and the system-property key of its request counts ({@code dg.load.<key>.warmup},
 * {@code dg.load.<key>.requests}).
 */
enum Workload {
    PDS_READ("Patient read, PDS `Patient/9000000009`", "Patient/9000000009", Kind.READ, 0, "pdsRead"),
    GENERATED_READ("Patient read, generated `Patient/dg-pat-0001`", "Patient/dg-pat-0001", Kind.READ, 0,
            "generatedRead"),
    SEARCH_100("Search, 100 patients `Patient?_count=100`", "Patient?_count=100", Kind.SEARCH, 100, "search100"),
    SEARCH_1000("Search, 1,000 patients `Patient?_count=1000`", "Patient?_count=1000", Kind.SEARCH, 1000,
            "search1000"),
    REFUSAL("Refusal `GET Patient/dg-pat-0001/_history`", "Patient/dg-pat-0001/_history", Kind.REFUSAL, 0,
            "refusal");

    /** What kind of answer is expected. */
    enum Kind {
        /** 200, the Patient asked for. */
        READ,
        /** 200, a searchset Bundle with exactly the expected number of entries. */
        SEARCH,
        /** 4xx OperationOutcome, answered by the proxy without asking the practice server. */
        REFUSAL
    }

    private final String title;
    private final String path;
    private final Kind kind;
    private final int entries;
    private final String key;

    Workload(String title, String path, Kind kind, int entries, String key) {
        this.title = title;
        this.path = path;
        this.kind = kind;
        this.entries = entries;
        this.key = key;
    }

    String title() {
        return title;
    }

    /** The path and query below the FHIR base. */
    String path() {
        return path;
    }

    Kind kind() {
        return kind;
    }

    /** The number of search entries expected, for {@link Kind#SEARCH}. */
    int entries() {
        return entries;
    }

    /** The logical id a read must return, for {@link Kind#READ}. */
    String readId() {
        return path.substring(path.indexOf('/') + 1);
    }

    String key() {
        return key;
    }

    /**
     * The levels this workload runs against. The practice server would answer the refusal's history request
     * itself (it keeps history), so L0 has nothing to compare there.
     */
    List<Level> levels() {
        return kind == Kind.REFUSAL ? List.of(Level.L1, Level.L2, Level.L3) : List.of(Level.values());
    }
}
