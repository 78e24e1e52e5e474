package org.disclosureguard.audit.fhir;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.disclosureguard.text.HtmlText;

/**
 * The small HTML toolkit the printable views share: escaping, dates in plain English, and the page frame with its
 * inline, print-friendly style sheet. The pages it frames load nothing: no scripts, no fonts, no images, no links
 * to other sites. Stateless; thread-safe.
 */
final class Html {

    private static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("d MMMM yyyy 'at' HH:mm", Locale.UK);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.UK);

    private static final String STYLE = """
            :root { color-scheme: light; }
            body { font-family: "Segoe UI", Arial, Helvetica, sans-serif; color: #1d1d1b; background: #fff;
                   max-width: 60rem; margin: 2rem auto; padding: 0 1.25rem; line-height: 1.5; font-size: 16px; }
            h1 { font-size: 1.9rem; margin: 0 0 .5rem; }
            h2 { font-size: 1.35rem; margin: 2rem 0 .5rem; border-bottom: 2px solid #005eb8; padding-bottom: .2rem; }
            h3 { font-size: 1.1rem; margin: 1.25rem 0 .4rem; }
            p.lead { font-size: 1.1rem; }
            .meta { color: #4c6272; }
            table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .95rem; }
            th, td { border: 1px solid #aeb7bd; padding: .4rem .5rem; text-align: left; vertical-align: top; }
            th { background: #e8edee; }
            td.num, th.num { text-align: right; white-space: nowrap; }
            .none { font-style: italic; color: #4c6272; }
            .cards { display: flex; flex-wrap: wrap; gap: .75rem; margin: 1rem 0; }
            .card { border: 1px solid #aeb7bd; border-left: 6px solid #005eb8; padding: .5rem .9rem; min-width: 9rem; }
            .card .figure { font-size: 1.6rem; font-weight: bold; display: block; }
            svg { max-width: 100%; height: auto; display: block; margin: .5rem 0; }
            dl dt { font-weight: bold; margin-top: .5rem; }
            dl dd { margin: 0 0 0 1.25rem; }
            footer { margin-top: 2.5rem; font-size: .85rem; color: #4c6272; border-top: 1px solid #aeb7bd;
                     padding-top: .5rem; }
            @media print {
              body { margin: 0; max-width: none; font-size: 11pt; }
              h2 { page-break-after: avoid; }
              table, tr, svg, .card { page-break-inside: avoid; }
              th { background: #e8edee !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
              svg * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
            }
            """;

    private Html() {}

    /** Escapes text for HTML element content and quoted attribute values. */
    static String escape(String text) {
        return HtmlText.escape(text);
    }

    static String dateTime(Instant instant, ZoneId zone) {
        return DATE_TIME.format(instant.atZone(zone));
    }

    static String date(java.time.LocalDate date) {
        return DATE.format(date);
    }

    /** A complete page: the title is escaped here, the body is trusted markup built with {@link #escape}. */
    static String page(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
                + "<title>" + escape(title) + "</title>\n<style>\n" + STYLE + "</style>\n</head>\n<body>\n"
                + body + "</body>\n</html>\n";
    }
}
