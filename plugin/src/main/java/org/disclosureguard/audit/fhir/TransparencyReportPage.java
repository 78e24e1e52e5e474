package org.disclosureguard.audit.fhir;

import java.util.List;
import java.util.Locale;
import org.disclosureguard.audit.fhir.TransparencyReport.Cell;
import org.disclosureguard.audit.fhir.TransparencyReport.Month;

/**
 * Renders a {@link TransparencyReport} as one self-contained HTML page: headline figures, horizontal bar charts and a
 * monthly column chart drawn as inline SVG, each followed by a table of the same figures (for screen readers and
 * for print). A suppressed count is drawn as a hatched bar reaching the threshold and labelled "fewer than N", never
 * as its true length. Stateless; thread-safe.
 */
final class TransparencyReportPage {

    private static final int WIDTH = 720;
    private static final int LABEL_WIDTH = 300;
    private static final int BAR_AREA = 330;
    private static final int ROW = 30;
    private static final String BAR = "#005eb8";
    private static final String BAR_2 = "#ed8b00";

    private TransparencyReportPage() {}

    static String render(TransparencyReport report) {
        TransparencyReport.Options o = report.options();
        StringBuilder b = new StringBuilder();
        b.append("<header>\n<h1>Transparency report: requests for patients' information</h1>\n");
        b.append("<p class=\"meta\">").append(Html.escape(o.practiceName())).append(" &middot; ")
                .append(Html.escape(Html.date(o.from()))).append(" to ")
                .append(Html.escape(Html.date(o.until().minusDays(1)))).append("</p>\n</header>\n");
        b.append("<p class=\"lead\">How many requests for patients' information the practice received from "
                + "organisations outside the practice (such as the police, the Home Office or other NHS bodies), how "
                + "they were decided, and why. The practice's own use of records for patients' care is not counted. "
                + "No patient can be identified from this report.</p>\n");
        b.append("<p class=\"meta\" id=\"suppression\">").append(Html.escape(report.suppressionRule())).append("</p>\n");

        b.append("<section id=\"headline\">\n<h2>At a glance</h2>\n<div class=\"cards\">\n");
        for (Cell c : report.totals().values()) {
            b.append("<div class=\"card\" data-figure=\"").append(Html.escape(c.key())).append("\"><span class=\"figure\">")
                    .append(Html.escape(report.shown(c))).append("</span>")
                    .append(Html.escape(Terms.sentence(c.label()))).append("</div>\n");
        }
        b.append("</div>\n</section>\n");

        bars(b, report, "by-requester", "Who asked", "requestsByRequesterClass", "Requests by kind of requester");
        bars(b, report, "by-purpose", "Why they asked", "requestsByPurpose", "Requests by stated purpose");
        bars(b, report, "by-basis", "The legal basis they gave", "requestsByLegalBasis", "Requests by legal basis");
        bars(b, report, "by-outcome", "How requests were decided", "decisionsByOutcome", "Decisions by outcome");
        bars(b, report, "escalations", "Requests held for review by the Caldicott Guardian",
                "escalationsByResolution", "Outcome of reviews");
        b.append("<p id=\"review-time\">");
        if (report.medianHours() != null) {
            b.append("Reviews decided: ").append(Html.escape(report.shown(report.reviewedCases())))
                    .append(". Typical (median) time from request to decision: <strong>")
                    .append(hours(report.medianHours())).append("</strong>; longest: <strong>")
                    .append(hours(report.maxHours())).append("</strong>.");
        } else if (report.reviewedCases().count() == 0) {
            b.append("No review was decided in this period.");
        } else {
            b.append("Reviews decided: ").append(Html.escape(report.shown(report.reviewedCases())))
                    .append(". Review times are not shown for so few cases.");
        }
        b.append("</p>\n");
        bars(b, report, "refusals", "Why requests were refused", "refusalsByReason", "Refusals by reason");
        monthly(b, report);
        b.append("<footer>Figures from the practice's tamper-evident audit record, counted in ")
                .append(Html.escape(o.zone().getId()))
                .append(" time. A request is counted once, in the month it was made; a review decision counts "
                        + "towards the request it decided.</footer>\n");
        return Html.page("Transparency report - " + o.practiceName(), b.toString());
    }

    private static void bars(StringBuilder b, TransparencyReport report, String id, String heading, String group,
            String caption) {
        List<Cell> cells = report.group(group);
        int k = Math.max(report.options().threshold(), 1);
        b.append("<section id=\"").append(id).append("\">\n<h2>").append(Html.escape(heading)).append("</h2>\n");
        if (cells.isEmpty()) {
            b.append("<p class=\"none\">None in this period.</p>\n</section>\n");
            return;
        }
        long max = Math.max(1, cells.stream().mapToLong(c -> c.suppressed() ? k : c.count()).max().orElse(1));
        if (cells.stream().anyMatch(Cell::suppressed)) {
            max = Math.max(max, 2L * k); // a "fewer than N" bar never fills the chart
        }
        int height = cells.size() * ROW + 10;
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" width=\"").append(WIDTH)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(height).append("\" aria-labelledby=\"").append(id).append("-title\">\n");
        b.append("<title id=\"").append(id).append("-title\">").append(Html.escape(caption)).append("</title>\n");
        hatch(b, id);
        int y = 5;
        for (Cell c : cells) {
            long value = c.suppressed() ? k : c.count();
            int w = (int) Math.round((double) value / max * BAR_AREA);
            if (c.count() > 0 && w < 2) {
                w = 2;
            }
            b.append("<text x=\"").append(LABEL_WIDTH - 8).append("\" y=\"").append(y + 19)
                    .append("\" text-anchor=\"end\" font-size=\"14\" fill=\"#1d1d1b\">")
                    .append(Html.escape(truncate(Terms.sentence(c.label()), 42))).append("</text>\n");
            if (w > 0) {
                b.append("<rect class=\"bar").append(c.suppressed() ? " suppressed" : "").append("\" x=\"")
                        .append(LABEL_WIDTH).append("\" y=\"").append(y + 4).append("\" width=\"").append(w)
                        .append("\" height=\"").append(ROW - 10).append("\" fill=\"")
                        .append(c.suppressed() ? "url(#" + id + "-hatch)" : BAR).append('"')
                        .append(c.suppressed() ? " stroke=\"" + BAR + "\" stroke-dasharray=\"4 2\"" : "")
                        .append("/>\n");
            }
            b.append("<text x=\"").append(LABEL_WIDTH + w + 6).append("\" y=\"").append(y + 19)
                    .append("\" font-size=\"14\" fill=\"#1d1d1b\">").append(Html.escape(report.shown(c)))
                    .append("</text>\n");
            y += ROW;
        }
        b.append("</svg>\n");
        b.append("<table>\n<caption class=\"meta\">").append(Html.escape(caption))
                .append("</caption>\n<thead><tr><th scope=\"col\"></th><th scope=\"col\" class=\"num\">Requests</th>"
                        + "</tr></thead>\n<tbody>\n");
        for (Cell c : cells) {
            b.append("<tr><th scope=\"row\">").append(Html.escape(Terms.sentence(c.label())))
                    .append("</th><td class=\"num\">").append(Html.escape(report.shown(c))).append("</td></tr>\n");
        }
        b.append("</tbody>\n</table>\n</section>\n");
    }

    private static void monthly(StringBuilder b, TransparencyReport report) {
        List<Month> months = report.months();
        int k = Math.max(report.options().threshold(), 1);
        b.append("<section id=\"monthly\">\n<h2>Month by month</h2>\n");
        long max = 1;
        for (Month m : months) {
            max = Math.max(max, value(m.requests(), k));
            max = Math.max(max, value(m.disclosures(), k));
        }
        if (months.stream().anyMatch(m -> m.requests().suppressed() || m.disclosures().suppressed())) {
            max = Math.max(max, 2L * k);
        }
        int chartHeight = 220;
        int left = 50;
        int slot = Math.max(24, Math.min(60, (WIDTH - left - 10) / Math.max(1, months.size())));
        int width = Math.max(WIDTH, left + slot * months.size() + 10);
        int height = chartHeight + 70;
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width).append(' ')
                .append(height).append("\" aria-labelledby=\"monthly-title\">\n");
        b.append("<title id=\"monthly-title\">Requests and disclosures each month</title>\n");
        hatch(b, "monthly");
        int base = chartHeight + 10;
        b.append("<line x1=\"").append(left).append("\" y1=\"").append(base).append("\" x2=\"").append(width - 10)
                .append("\" y2=\"").append(base).append("\" stroke=\"#4c6272\"/>\n");
        b.append("<text x=\"").append(left - 6).append("\" y=\"").append(base - chartHeight + 12)
                .append("\" text-anchor=\"end\" font-size=\"12\">").append(max).append("</text>\n");
        b.append("<text x=\"").append(left - 6).append("\" y=\"").append(base)
                .append("\" text-anchor=\"end\" font-size=\"12\">0</text>\n");
        int x = left + 4;
        int barWidth = Math.max(8, (slot - 8) / 2);
        for (Month m : months) {
            column(b, m.requests(), k, max, x, base, chartHeight, barWidth, BAR, "monthly");
            column(b, m.disclosures(), k, max, x + barWidth, base, chartHeight, barWidth, BAR_2, "monthly");
            b.append("<text x=\"").append(x + barWidth).append("\" y=\"").append(base + 16)
                    .append("\" text-anchor=\"middle\" font-size=\"11\">")
                    .append(Html.escape(m.month().getMonth().getDisplayName(java.time.format.TextStyle.SHORT,
                            Locale.UK))).append("</text>\n");
            x += slot;
        }
        int ly = base + 40;
        b.append("<rect x=\"").append(left).append("\" y=\"").append(ly - 11).append("\" width=\"14\" height=\"14\" fill=\"")
                .append(BAR).append("\"/><text x=\"").append(left + 20).append("\" y=\"").append(ly)
                .append("\" font-size=\"13\">Requests</text>\n");
        b.append("<rect x=\"").append(left + 110).append("\" y=\"").append(ly - 11)
                .append("\" width=\"14\" height=\"14\" fill=\"").append(BAR_2).append("\"/><text x=\"")
                .append(left + 130).append("\" y=\"").append(ly).append("\" font-size=\"13\">Disclosures</text>\n");
        b.append("<rect x=\"").append(left + 240).append("\" y=\"").append(ly - 11)
                .append("\" width=\"14\" height=\"14\" fill=\"url(#monthly-hatch)\" stroke=\"").append(BAR)
                .append("\" stroke-dasharray=\"4 2\"/><text x=\"").append(left + 260).append("\" y=\"").append(ly)
                .append("\" font-size=\"13\">fewer than ").append(k).append(" (not shown exactly)</text>\n");
        b.append("</svg>\n");
        b.append("<table>\n<caption class=\"meta\">Month by month</caption>\n<thead><tr><th scope=\"col\">Month</th>"
                + "<th scope=\"col\" class=\"num\">Requests</th><th scope=\"col\" class=\"num\">Disclosures</th>"
                + "<th scope=\"col\" class=\"num\">Refused</th><th scope=\"col\" class=\"num\">Held for review</th>"
                + "</tr></thead>\n<tbody>\n");
        for (Month m : months) {
            b.append("<tr><th scope=\"row\">").append(Html.escape(m.requests().label())).append("</th>");
            for (Cell c : List.of(m.requests(), m.disclosures(), m.refusals(), m.escalations())) {
                b.append("<td class=\"num\">").append(Html.escape(report.shown(c))).append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table>\n</section>\n");
    }

    private static void column(StringBuilder b, Cell c, int k, long max, int x, int base, int chartHeight, int w,
            String colour, String id) {
        long value = value(c, k);
        int h = (int) Math.round((double) value / max * chartHeight);
        if (c.count() > 0 && h < 2) {
            h = 2;
        }
        if (h == 0) {
            return;
        }
        b.append("<rect class=\"bar").append(c.suppressed() ? " suppressed" : "").append("\" x=\"").append(x)
                .append("\" y=\"").append(base - h).append("\" width=\"").append(w - 2).append("\" height=\"")
                .append(h).append("\" fill=\"").append(c.suppressed() ? "url(#" + id + "-hatch)" : colour).append('"')
                .append(c.suppressed() ? " stroke=\"" + colour + "\" stroke-dasharray=\"4 2\"" : "").append(">")
                .append("<title>").append(Html.escape(c.label())).append("</title></rect>\n");
    }

    private static long value(Cell c, int k) {
        return c.suppressed() ? k : c.count();
    }

    private static void hatch(StringBuilder b, String id) {
        b.append("<defs><pattern id=\"").append(id).append("-hatch\" width=\"6\" height=\"6\" "
                + "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" "
                + "fill=\"#ffffff\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#768692\" stroke-width=\"3\"/>"
                + "</pattern></defs>\n");
    }

    private static String hours(double hours) {
        if (hours < 48) {
            return String.format(Locale.UK, "%.1f hours", hours);
        }
        return String.format(Locale.UK, "%.1f days", hours / 24.0);
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "\u2026";
    }
}
