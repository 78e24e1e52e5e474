package org.disclosureguard.audit.fhir;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.AuditOutcome;

/**
 * The aggregate transparency report a practice can publish: over a period, how many outside requests it received,
 * from which classes of requester and for which purposes, how they were decided, how escalations to the Caldicott
 * Guardian ended and how long they took, how many disclosures were made and why requests were refused, month by
 * month. Only outside requesters count ({@link AuditEntry#internal()} entries are ignored).
 *
 * <p><b>No patient-identifiable data.</b> The report is built from codes only: requester class, purpose of use, legal
 * basis, outcome and refusal code, each folded into {@code other} unless it belongs to the guard's vocabularies, and
 * the entry's time. Patient ids, request ids, case references, officers, reviewers, organisations, targets, rule ids
 * and every other free-text field never reach it.
 *
 * <p><b>Small-number suppression.</b> A count from 1 to {@code threshold - 1} is published as "fewer than N"
 * (primary suppression); when a group (a chart, or a month's series) would then have exactly one such cell, its
 * smallest other non-zero count is suppressed too, so the hidden figure cannot be recovered by subtracting from the
 * total (secondary suppression). Zero is shown. Median and maximum times to a review decision are published only
 * when at least {@code threshold} cases were reviewed. A threshold of 0 or 1 turns suppression off. See
 * {@code docs/accounting-and-report.md}.
 *
 * <p>The JSON shape ({@link #SCHEMA}) is stable: fields are only ever added. Immutable once built; thread-safe.
 */
public final class TransparencyReport {

    /** Identifies the JSON shape; changes only if a field is removed or its meaning changes. */
    public static final String SCHEMA = "https://fhir.disclosureguard.org/schema/transparency-report/1";

    /** The default suppression threshold: counts 1 to 4 are shown as "fewer than 5". */
    public static final int DEFAULT_THRESHOLD = 5;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final DateTimeFormatter MONTH_LABEL = DateTimeFormatter.ofPattern("MMM yyyy", Locale.UK);

    /**
     * What to report on and how.
     *
     * @param practiceName the practice's name as printed in the report's heading, not {@code null}
     * @param from the first day of the period (inclusive), in {@code zone}
     * @param until the day after the period (exclusive), after {@code from}
     * @param zone the zone in which days and months are counted (normally {@code Europe/London})
     * @param threshold counts from 1 to {@code threshold - 1} are suppressed; 0 or 1 for none; at most 100
     */
    public record Options(String practiceName, LocalDate from, LocalDate until, ZoneId zone, int threshold) {
        public Options {
            Objects.requireNonNull(practiceName, "practiceName");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(until, "until");
            Objects.requireNonNull(zone, "zone");
            if (!until.isAfter(from)) {
                throw new IllegalArgumentException("The report period must end after it starts: from " + from
                        + ", until " + until);
            }
            if (threshold < 0 || threshold > 100) {
                throw new IllegalArgumentException("The suppression threshold must be between 0 and 100, not "
                        + threshold);
            }
        }

        /** Europe/London and the default threshold. */
        public static Options of(String practiceName, LocalDate from, LocalDate until) {
            return new Options(practiceName, from, until, ZoneId.of("Europe/London"), DEFAULT_THRESHOLD);
        }
    }

    /**
     * One published figure.
     *
     * @param key a stable code (a vocabulary code, {@code other}, or the figure's name)
     * @param label plain English
     * @param count the true count; never published when {@code suppressed}
     * @param suppressed whether the count is published as "fewer than N"
     */
    public record Cell(String key, String label, long count, boolean suppressed) {}

    /** One month's figures. */
    public record Month(YearMonth month, Cell requests, Cell disclosures, Cell refusals, Cell escalations) {}

    private final Options options;
    private final Map<String, Cell> totals;
    private final Map<String, List<Cell>> groups;
    private final List<Month> months;
    private final Cell reviewedCases;
    private final Double medianHours;
    private final Double maxHours;

    private TransparencyReport(Options options, Map<String, Cell> totals, Map<String, List<Cell>> groups,
            List<Month> months, Cell reviewedCases, Double medianHours, Double maxHours) {
        this.options = options;
        this.totals = totals;
        this.groups = groups;
        this.months = months;
        this.reviewedCases = reviewedCases;
        this.medianHours = medianHours;
        this.maxHours = maxHours;
    }

    /**
     * Builds the report.
     *
     * @param entries audit entries in any order; entries outside the period or from the practice itself are ignored,
     *     but review decisions after the period still count towards how its escalations ended
     * @param options the period, zone, threshold and heading
     */
    public static TransparencyReport of(List<AuditEntry> entries, Options options) {
        int k = options.threshold();
        List<AuditEntry> external = entries.stream().filter(e -> !e.internal())
                .sorted(Comparator.comparing(AuditEntry::time).thenComparing(AuditEntry::requestId)).toList();

        Map<String, AuditEntry> escalation = new LinkedHashMap<>();
        Map<String, AuditEntry> resolution = new LinkedHashMap<>();
        for (AuditEntry e : external) {
            if (e.reviewCase().isEmpty()) {
                continue;
            }
            if (e.outcome() == AuditOutcome.ESCALATE) {
                escalation.putIfAbsent(e.reviewCase(), e);
            } else if (escalation.containsKey(e.reviewCase())) {
                resolution.putIfAbsent(e.reviewCase(), e);
            }
        }
        List<AuditEntry> inPeriod = external.stream().filter(e -> inPeriod(e, options)).toList();
        List<AuditEntry> requests = inPeriod.stream()
                .filter(e -> !(resolution.containsKey(e.reviewCase()) && resolution.get(e.reviewCase()) == e))
                .toList();

        Map<String, List<Cell>> groups = new LinkedHashMap<>();
        groups.put("requestsByRequesterClass", group(requests, e -> classKey(e.requesterClass()),
                key -> Terms.requesterClass(key.equals("unidentified") ? "" : key.equals("other") ? "?" : key), k));
        groups.put("requestsByPurpose", group(requests, e -> purposeKey(e.purposeOfUse()),
                key -> Terms.purpose(key.equals("not-stated") ? "" : key.equals("other") ? "?" : key), k));
        groups.put("requestsByLegalBasis", group(requests, e -> basisKey(e.legalBasis()),
                key -> Terms.legalBasis(key.equals("none-stated") ? "" : key.equals("other") ? "?" : key), k));

        Map<String, Long> outcomes = new LinkedHashMap<>();
        for (AuditOutcome o : AuditOutcome.values()) {
            outcomes.put(o.code(), 0L);
        }
        requests.forEach(e -> outcomes.merge(e.outcome().code(), 1L, Long::sum));
        groups.put("decisionsByOutcome", suppress(cells(outcomes, TransparencyReport::outcomeLabel, false), k));

        Map<String, Long> ends = new LinkedHashMap<>();
        ends.put("approved", 0L);
        ends.put("refused", 0L);
        ends.put("failed", 0L);
        ends.put("pending", 0L);
        List<Duration> times = new ArrayList<>();
        for (AuditEntry e : requests) {
            if (e.outcome() != AuditOutcome.ESCALATE) {
                continue;
            }
            AuditEntry decided = e.reviewCase().isEmpty() || escalation.get(e.reviewCase()) != e
                    ? null : resolution.get(e.reviewCase());
            String end = decided == null ? "pending" : switch (decided.outcome()) {
                case PERMIT, REDACT -> "approved";
                case DENY, REFUSED -> "refused";
                case FAILED -> "failed";
                case ESCALATE -> "pending";
            };
            ends.merge(end, 1L, Long::sum);
            if (decided != null) {
                times.add(Duration.between(e.time(), decided.time()));
            }
        }
        groups.put("escalationsByResolution", suppress(cells(ends, TransparencyReport::resolutionLabel, false), k));

        Map<String, Long> reasons = new LinkedHashMap<>();
        for (AuditEntry e : requests) {
            if (e.outcome() == AuditOutcome.DENY || e.outcome() == AuditOutcome.REFUSED) {
                reasons.merge(Terms.isGuardCode(e.code()) ? e.code() : "other", 1L, Long::sum);
            }
        }
        groups.put("refusalsByReason", suppress(cells(reasons,
                key -> Terms.refusal(key.equals("other") ? "?" : key), true), k));

        Map<String, Cell> totals = new LinkedHashMap<>();
        long refusals = requests.stream()
                .filter(e -> e.outcome() == AuditOutcome.DENY || e.outcome() == AuditOutcome.REFUSED).count();
        long escalations = requests.stream().filter(e -> e.outcome() == AuditOutcome.ESCALATE).count();
        long disclosures = inPeriod.stream().filter(AuditEntry::disclosure).count();
        totals.put("requests", primary("requests", "requests from outside the practice", requests.size(), k));
        totals.put("disclosures", primary("disclosures", "disclosures made", disclosures, k));
        totals.put("refusals", primary("refusals", "requests refused", refusals, k));
        totals.put("escalations", primary("escalations", "requests held for review", escalations, k));

        List<Month> months = months(requests, inPeriod, options, k);

        Collections.sort(times);
        Cell reviewed = primary("reviewedCases", "reviews decided", times.size(), k);
        Double median = null;
        Double max = null;
        if (!times.isEmpty() && !reviewed.suppressed()) {
            int n = times.size();
            double medianMillis = n % 2 == 1 ? times.get(n / 2).toMillis()
                    : (times.get(n / 2 - 1).toMillis() + times.get(n / 2).toMillis()) / 2.0;
            median = hours(medianMillis);
            max = hours(times.get(n - 1).toMillis());
        }
        return new TransparencyReport(options, Collections.unmodifiableMap(totals),
                Collections.unmodifiableMap(groups), List.copyOf(months), reviewed, median, max);
    }

    /** The options the report was built with. */
    public Options options() {
        return options;
    }

    /** The headline figures: {@code requests}, {@code disclosures}, {@code refusals}, {@code escalations}. */
    public Map<String, Cell> totals() {
        return totals;
    }

    /** The figures of one group, by its JSON name (for example {@code requestsByPurpose}); empty if none. */
    public List<Cell> group(String name) {
        return groups.getOrDefault(name, List.of());
    }

    /** Month by month, every month of the period. */
    public List<Month> months() {
        return months;
    }

    /** The report as JSON in the shape named by {@link #SCHEMA} (UTF-8 text, indented). */
    public String json() {
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", SCHEMA);
        root.put("practice", options.practiceName());
        ObjectNode period = root.putObject("period");
        period.put("from", options.from().toString());
        period.put("until", options.until().toString());
        period.put("timeZone", options.zone().getId());
        ObjectNode suppression = root.putObject("suppression");
        suppression.put("threshold", options.threshold());
        suppression.put("rule", suppressionRule());
        ObjectNode totalsNode = root.putObject("totals");
        totals.forEach((name, cell) -> totalsNode.set(name, cellNode(cell)));
        for (String name : List.of("requestsByRequesterClass", "requestsByPurpose", "requestsByLegalBasis",
                "decisionsByOutcome", "refusalsByReason")) {
            ArrayNode array = root.putArray(name);
            group(name).forEach(cell -> array.add(cellNode(cell)));
        }
        ObjectNode esc = root.putObject("escalations");
        ArrayNode byResolution = esc.putArray("byResolution");
        group("escalationsByResolution").forEach(cell -> byResolution.add(cellNode(cell)));
        ObjectNode time = esc.putObject("timeToDecision");
        time.set("reviewedCases", cellNode(reviewedCases));
        time.put("published", medianHours != null);
        if (medianHours != null) {
            time.put("medianHours", medianHours);
            time.put("maxHours", maxHours);
        } else {
            time.putNull("medianHours");
            time.putNull("maxHours");
        }
        ArrayNode monthArray = root.putArray("months");
        for (Month m : months) {
            ObjectNode node = monthArray.addObject();
            node.put("month", m.month().toString());
            node.set("requests", cellNode(m.requests()));
            node.set("disclosures", cellNode(m.disclosures()));
            node.set("refusals", cellNode(m.refusals()));
            node.set("escalations", cellNode(m.escalations()));
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the transparency report as JSON", e);
        }
    }

    /** The report as a self-contained HTML page with inline SVG charts (no scripts, nothing loaded). */
    public String html() {
        return TransparencyReportPage.render(this);
    }

    /** How a cell is printed: its count, or "fewer than N". */
    public String shown(Cell cell) {
        return cell.suppressed() ? "fewer than " + options.threshold() : Long.toString(cell.count());
    }

    String suppressionRule() {
        if (options.threshold() <= 1) {
            return "No suppression: every count is shown as it is.";
        }
        int k = options.threshold();
        return "Counts from 1 to " + (k - 1) + " are shown as \"fewer than " + k + "\". Where that would leave "
                + "a single hidden count in a chart or a month's series, the smallest other non-zero count in it is "
                + "hidden too, so the hidden figure cannot be worked out from the total. Zero is shown. Review times "
                + "are shown only when at least " + k + " reviews were decided.";
    }

    Cell reviewedCases() {
        return reviewedCases;
    }

    Double medianHours() {
        return medianHours;
    }

    Double maxHours() {
        return maxHours;
    }

    // ---- building ----

    private static boolean inPeriod(AuditEntry e, Options o) {
        LocalDate day = e.time().atZone(o.zone()).toLocalDate();
        return !day.isBefore(o.from()) && day.isBefore(o.until());
    }

    private static String classKey(String code) {
        return code.isEmpty() ? "unidentified" : Terms.isKnownRequesterClass(code) ? code : "other";
    }

    private static String purposeKey(String code) {
        return code.isEmpty() ? "not-stated" : Terms.isKnownPurpose(code) ? code : "other";
    }

    private static String basisKey(String code) {
        return code.isEmpty() ? "none-stated" : Terms.isKnownLegalBasis(code) ? code : "other";
    }

    private static String outcomeLabel(String code) {
        return switch (AuditOutcome.fromCode(code)) {
            case PERMIT -> "released in full";
            case REDACT -> "released with parts held back";
            case DENY -> "refused by the policy";
            case ESCALATE -> "held for review";
            case REFUSED -> "refused before a decision (identity or request not accepted)";
            case FAILED -> "failed (technical fault; nothing released)";
        };
    }

    private static String resolutionLabel(String key) {
        return switch (key) {
            case "approved" -> "approved after review";
            case "refused" -> "refused after review";
            case "failed" -> "approved, but a technical fault stopped the release";
            default -> "still being reviewed";
        };
    }

    private static List<Cell> group(List<AuditEntry> requests, Function<AuditEntry, String> key,
            Function<String, String> label, int k) {
        Map<String, Long> counts = new LinkedHashMap<>();
        requests.forEach(e -> counts.merge(key.apply(e), 1L, Long::sum));
        return suppress(cells(counts, label, true), k);
    }

    private static List<Cell> cells(Map<String, Long> counts, Function<String, String> label, boolean sortByCount) {
        List<Cell> cells = new ArrayList<>();
        counts.forEach((key, count) -> cells.add(new Cell(key, label.apply(key), count, false)));
        if (sortByCount) {
            cells.sort(Comparator.comparingLong(Cell::count).reversed().thenComparing(Cell::key));
        }
        return cells;
    }

    private static Cell primary(String key, String label, long count, int k) {
        return new Cell(key, label, count, count > 0 && count < k);
    }

    /** Primary and secondary suppression over one group (see the class comment). */
    static List<Cell> suppress(List<Cell> cells, int k) {
        List<Cell> out = new ArrayList<>();
        for (Cell c : cells) {
            out.add(primary(c.key(), c.label(), c.count(), k));
        }
        long hidden = out.stream().filter(Cell::suppressed).count();
        if (hidden == 1) {
            out.stream()
                    .filter(c -> !c.suppressed() && c.count() > 0)
                    .min(Comparator.comparingLong(Cell::count))
                    .ifPresent(smallest -> out.replaceAll(c -> c == smallest
                            ? new Cell(c.key(), c.label(), c.count(), true) : c));
        }
        return List.copyOf(out);
    }

    private static List<Month> months(List<AuditEntry> requests, List<AuditEntry> inPeriod, Options o, int k) {
        YearMonth first = YearMonth.from(o.from());
        YearMonth last = YearMonth.from(o.until().minusDays(1));
        List<YearMonth> all = new ArrayList<>();
        for (YearMonth m = first; !m.isAfter(last); m = m.plusMonths(1)) {
            all.add(m);
        }
        Map<YearMonth, long[]> counts = new LinkedHashMap<>();
        all.forEach(m -> counts.put(m, new long[4]));
        for (AuditEntry e : requests) {
            long[] c = counts.get(YearMonth.from(e.time().atZone(o.zone())));
            c[0]++;
            if (e.outcome() == AuditOutcome.DENY || e.outcome() == AuditOutcome.REFUSED) {
                c[2]++;
            }
            if (e.outcome() == AuditOutcome.ESCALATE) {
                c[3]++;
            }
        }
        for (AuditEntry e : inPeriod) {
            if (e.disclosure()) {
                counts.get(YearMonth.from(e.time().atZone(o.zone())))[1]++;
            }
        }
        List<List<Cell>> series = new ArrayList<>();
        String[] names = {"requests", "disclosures", "refusals", "escalations"};
        for (int i = 0; i < 4; i++) {
            List<Cell> s = new ArrayList<>();
            for (YearMonth m : all) {
                s.add(new Cell(m.toString(), MONTH_LABEL.format(m), counts.get(m)[i], false));
            }
            series.add(suppress(s, k));
        }
        List<Month> months = new ArrayList<>();
        for (int j = 0; j < all.size(); j++) {
            months.add(new Month(all.get(j), rename(series.get(0).get(j), names[0]),
                    rename(series.get(1).get(j), names[1]), rename(series.get(2).get(j), names[2]),
                    rename(series.get(3).get(j), names[3])));
        }
        return months;
    }

    private static Cell rename(Cell c, String key) {
        return new Cell(key, c.label(), c.count(), c.suppressed());
    }

    private static double hours(double millis) {
        return Math.round(millis / 360_000.0) / 10.0;
    }

    private ObjectNode cellNode(Cell cell) {
        ObjectNode node = JSON.createObjectNode();
        node.put("key", cell.key());
        node.put("label", cell.label());
        if (cell.suppressed()) {
            node.putNull("count");
        } else {
            node.put("count", cell.count());
        }
        node.put("suppressed", cell.suppressed());
        node.put("shown", shown(cell));
        return node;
    }
}
