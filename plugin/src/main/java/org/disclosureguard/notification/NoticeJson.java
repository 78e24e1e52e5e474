package org.disclosureguard.notification;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON form of a {@link Notice}: how it is kept in the outbox and the {@code data} of a webhook message. Field
 * names are part of the webhook contract ({@code docs/notifications.md}) and never change meaning; new fields may
 * be added. Stateless and thread-safe.
 */
public final class NoticeJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private NoticeJson() {
    }

    /** The notice as a JSON object. */
    public static ObjectNode toNode(Notice n) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("noticeId", n.noticeId());
        o.put("kind", n.kind());
        o.put("auditSeq", n.auditSeq());
        o.put("requestId", n.requestId());
        o.put("time", n.time().toString());
        ObjectNode patient = o.putObject("patient");
        patient.put("reference", n.patientId().isEmpty() ? "" : "Patient/" + n.patientId());
        patient.put("maskedNhsNumber", n.maskedNhsNumber());
        o.put("clinician", n.clinicianReference());
        ObjectNode requester = o.putObject("requester");
        requester.put("organisation", n.organisation());
        requester.put("class", n.requesterClass());
        requester.put("classText", n.requesterClassText());
        o.set("purposeOfUse", coded(n.purposeOfUse(), n.purposeOfUseText()));
        o.set("legalBasis", coded(n.legalBasis(), n.legalBasisText()));
        o.put("caseReference", n.caseReference());
        ObjectNode records = o.putObject("records");
        n.records().forEach(records::put);
        o.put("withheldElements", n.withheldElements());
        o.put("reviewer", n.reviewer());
        o.put("detailsLink", n.detailsLink());
        if (n.tracingAlert()) {
            o.put("alert", n.alert());
        }
        o.put("text", NoticeText.body(n));
        return o;
    }

    /** The notice as compact JSON text. */
    public static String write(Notice notice) {
        return toNode(notice).toString();
    }

    /**
     * Reads what {@link #write} wrote.
     *
     * @throws IllegalArgumentException when the text is not a notice
     */
    public static Notice read(String json) {
        try {
            JsonNode o = MAPPER.readTree(json);
            Map<String, Integer> records = new LinkedHashMap<>();
            o.path("records").fields().forEachRemaining(e -> records.put(e.getKey(), e.getValue().asInt()));
            String kind = o.path("kind").asText(Notice.DISCLOSURE);
            String reference = Notice.TRACING_ALERT.equals(kind) && o.path("patient").path("reference").asText("")
                    .isEmpty() ? "Patient/" : required(o.path("patient"), "reference");
            if (!reference.startsWith("Patient/")) {
                throw new IllegalArgumentException("patient.reference is not Patient/<id>");
            }
            return new Notice(required(o, "noticeId"), o.path("auditSeq").asLong(), required(o, "requestId"),
                    Instant.parse(required(o, "time")), reference.substring("Patient/".length()),
                    o.path("patient").path("maskedNhsNumber").asText(""), o.path("clinician").asText(""),
                    o.path("requester").path("organisation").asText(""),
                    o.path("requester").path("class").asText(""), o.path("requester").path("classText").asText(""),
                    o.path("purposeOfUse").path("code").asText(""), o.path("purposeOfUse").path("text").asText(""),
                    o.path("legalBasis").path("code").asText(""), o.path("legalBasis").path("text").asText(""),
                    o.path("caseReference").asText(""), records, o.path("withheldElements").asInt(),
                    o.path("reviewer").asText(""), o.path("detailsLink").asText(""),
                    kind, o.path("alert").asText(""));
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("Not a stored notice: " + e.getMessage(), e);
        }
    }

    private static ObjectNode coded(String code, String text) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("code", code);
        o.put("text", text);
        return o;
    }

    private static String required(JsonNode o, String field) {
        JsonNode value = o.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new IllegalArgumentException("missing " + field);
        }
        return value.asText();
    }
}
