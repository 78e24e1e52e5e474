package org.disclosureguard.synthetic;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a FHIR server answered to one transaction: how many entries were sent, the HTTP status of the
 * whole request and the status line of each entry in the transaction-response ({@code "201 Created"},
 * {@code "200 OK"}), in entry order. Immutable; thread-safe.
 *
 * @param entries entries in the transaction that was sent
 * @param httpStatus HTTP status of the response (2xx)
 * @param entryStatuses {@code Bundle.entry.response.status} of each response entry
 */
public record LoadSummary(int entries, int httpStatus, List<String> entryStatuses) {

    /**
     * Creates a summary.
     *
     * @throws NullPointerException when {@code entryStatuses} is null
     */
    public LoadSummary {
        entryStatuses = List.copyOf(Objects.requireNonNull(entryStatuses, "entryStatuses"));
    }

    /**
     * Counts entries by status code, the first token of each status line ({@code "201 Created"} counts as
     * {@code "201"}).
     *
     * @return an unmodifiable map sorted by code
     */
    public Map<String, Integer> countByStatusCode() {
        Map<String, Integer> counts = new TreeMap<>();
        for (String status : entryStatuses) {
            String code = status.strip().split("\\s+", 2)[0];
            counts.merge(code, 1, Integer::sum);
        }
        return Collections.unmodifiableMap(counts);
    }

    /** @return {@code true} when every entry status starts with 2 */
    public boolean allSucceeded() {
        return entryStatuses.size() == entries && entryStatuses.stream().allMatch(s -> s.strip().startsWith("2"));
    }
}
