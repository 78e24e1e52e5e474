package org.disclosureguard.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import ca.uhn.fhir.context.FhirContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.disclosureguard.audit.AuditEntry;
import org.disclosureguard.audit.JdbcAuditStore;
import org.disclosureguard.audit.StoredEntry;
import org.disclosureguard.audit.fhir.DisclosureAccounting;
import org.disclosureguard.audit.fhir.TransparencyReport;
import org.disclosureguard.labels.Vocabulary;
import org.disclosureguard.upstream.UpstreamClient;
import org.disclosureguard.upstream.UpstreamFailure;
import org.disclosureguard.upstream.UpstreamResponse;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.disclosureguard.audit.AuditKeyDirectory;
import org.disclosureguard.audit.AuditUnavailableException;
import org.disclosureguard.audit.AuditVerifier;
import org.disclosureguard.audit.VerificationProblem;
import org.disclosureguard.audit.VerificationReport;
import org.disclosureguard.gateway.GuardError;
import org.disclosureguard.gateway.OperationOutcomes;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The audit trail, for practice staff: verify the whole chain and its signed checkpoints
 * ({@code docs/operations.md}); one patient's accounting of disclosures as a FHIR Bundle of IHE BALP AuditEvents
 * and as a page to hand to the patient; the transparency report as JSON and as a page to publish
 * ({@code docs/accounting-and-report.md}). Answered only to the practice itself ({@link StaffAccess}).
 */
@RestController
@RequestMapping("/staff/audit")
class StaffAuditController {

    private static final Logger LOG = LoggerFactory.getLogger(StaffAuditController.class);

    private static final Pattern PATIENT_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    private static final int PAGE = 1_000;
    private static final int MAX_ENTRIES = 200_000;
    private static final ZoneId LONDON = ZoneId.of("Europe/London");

    private final DataSource dataSource;
    private final GuardProperties properties;
    private final JdbcAuditStore store;
    private final UpstreamClient upstream;
    private final FhirContext fhir;

    StaffAuditController(DataSource guardDataSource, GuardProperties properties, JdbcAuditStore store,
            UpstreamClient upstream, FhirContext fhir) {
        this.dataSource = guardDataSource;
        this.properties = properties;
        this.store = store;
        this.upstream = upstream;
        this.fhir = fhir;
    }

    /** The outside requests about one patient, as a FHIR {@code collection} Bundle of IHE BALP AuditEvents. */
    @GetMapping("/patients/{id}")
    ResponseEntity<String> patientEvents(HttpServletRequest request, @PathVariable("id") String id) {
        if (!StaffAccess.fromThePractice(request)) {
            return StaffAccess.notFound();
        }
        if (!PATIENT_ID.matcher(id).matches()) {
            return StaffAccess.json(400, OperationOutcomes.of(GuardError.STAFF_REQUEST_INVALID,
                    "A patient id is 1 to 64 letters, digits, '-' and '.'."));
        }
        Subject subject = subject(id);
        Bundle bundle = DisclosureAccounting.bundle(id, subject.identifiers(), entriesAbout(id, subject));
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/fhir+json;charset=UTF-8"))
                .header("Cache-Control", "no-store")
                .body(fhir.newJsonParser().encodeResourceToString(bundle));
    }

    /** The same, as a printable page to hand to the patient. */
    @GetMapping("/patients/{id}/accounting")
    ResponseEntity<String> patientPage(HttpServletRequest request, @PathVariable("id") String id) {
        if (!StaffAccess.fromThePractice(request)) {
            return StaffAccess.notFound();
        }
        if (!PATIENT_ID.matcher(id).matches()) {
            return StaffAccess.json(400, OperationOutcomes.of(GuardError.STAFF_REQUEST_INVALID,
                    "A patient id is 1 to 64 letters, digits, '-' and '.'."));
        }
        Subject subject = subject(id);
        String page = DisclosureAccounting.html(id, subject.identifiers(), entriesAbout(id, subject),
                new DisclosureAccounting.Heading(practiceName(), subject.label(), LONDON));
        return html(page);
    }

    /**
     * The transparency report for {@code [from, until)} (dates, Europe/London) as JSON, with counts below
     * {@code threshold} (default 5) shown as "fewer than".
     */
    @GetMapping("/report")
    ResponseEntity<String> report(HttpServletRequest request, @RequestParam("from") String from,
            @RequestParam("until") String until, @RequestParam(value = "threshold", required = false) Integer threshold) {
        if (!StaffAccess.fromThePractice(request)) {
            return StaffAccess.notFound();
        }
        TransparencyReport.Options options;
        try {
            options = new TransparencyReport.Options(practiceName(), LocalDate.parse(from), LocalDate.parse(until),
                    LONDON, threshold == null ? TransparencyReport.DEFAULT_THRESHOLD : threshold);
        } catch (DateTimeParseException | IllegalArgumentException e) {
            return StaffAccess.json(400, OperationOutcomes.of(GuardError.STAFF_REQUEST_INVALID,
                    "Give the period as from=YYYY-MM-DD&until=YYYY-MM-DD (until after from, exclusive), and a "
                            + "threshold from 0 to 100 if any. " + (e instanceof IllegalArgumentException
                                    && !(e instanceof DateTimeParseException) ? e.getMessage() : "")));
        }
        TransparencyReport report = TransparencyReport.of(entriesBetween(options), options);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).header("Cache-Control", "no-store")
                .body(report.json());
    }

    /** The same report as a page with charts, for the practice to publish. */
    @GetMapping("/report.html")
    ResponseEntity<String> reportPage(HttpServletRequest request, @RequestParam("from") String from,
            @RequestParam("until") String until, @RequestParam(value = "threshold", required = false) Integer threshold) {
        ResponseEntity<String> json = report(request, from, until, threshold);
        if (json.getStatusCode().value() != 200) {
            return json;
        }
        TransparencyReport.Options options = new TransparencyReport.Options(practiceName(), LocalDate.parse(from),
                LocalDate.parse(until), LONDON, threshold == null ? TransparencyReport.DEFAULT_THRESHOLD : threshold);
        return html(TransparencyReport.of(entriesBetween(options), options).html());
    }

    /** Who the patient is, as far as the practice server says: how to name them, and their NHS numbers. */
    private record Subject(String label, Set<String> identifiers) {}

    private Subject subject(String id) {
        try {
            UpstreamResponse response = upstream.get("Patient/" + id, Map.of());
            if (response.isSuccess()) {
                Patient patient = fhir.newJsonParser().parseResource(Patient.class,
                        new String(response.body(), StandardCharsets.UTF_8));
                Set<String> identifiers = new TreeSet<>();
                String nhsNumber = null;
                for (Identifier identifier : patient.getIdentifier()) {
                    if (Vocabulary.NHS_NUMBER.equals(identifier.getSystem()) && identifier.hasValue()) {
                        identifiers.add(Vocabulary.NHS_NUMBER + "|" + identifier.getValue());
                        nhsNumber = identifier.getValue();
                    }
                }
                String name = patient.hasName() ? patient.getNameFirstRep().getNameAsSingleString() : "";
                String label = (name.isBlank() ? "Patient " + id : name)
                        + (nhsNumber == null ? "" : ", NHS number " + nhsNumber);
                return new Subject(label, identifiers);
            }
        } catch (UpstreamFailure | RuntimeException e) {
            LOG.warn("The practice server could not say who patient {} is; the accounting is by id only: {}", id,
                    e.toString());
        }
        return new Subject("Patient " + id, Set.of());
    }

    private List<AuditEntry> entriesAbout(String id, Subject subject) {
        List<AuditEntry> entries = new ArrayList<>();
        Set<String> keys = new TreeSet<>(subject.identifiers());
        keys.add(id);
        for (String key : keys) {
            long from = 0;
            List<StoredEntry> page;
            do {
                page = store.forPatient(key, from, PAGE);
                page.forEach(stored -> entries.add(stored.entry()));
                from = page.isEmpty() ? from : page.get(page.size() - 1).seq() + 1;
            } while (page.size() == PAGE && entries.size() < MAX_ENTRIES);
        }
        return entries;
    }

    private List<AuditEntry> entriesBetween(TransparencyReport.Options options) {
        Instant start = options.from().atStartOfDay(options.zone()).toInstant();
        Instant end = options.until().atStartOfDay(options.zone()).toInstant();
        List<AuditEntry> entries = new ArrayList<>();
        long from = 0;
        List<StoredEntry> page;
        do {
            page = store.between(start, end, from, PAGE);
            page.forEach(stored -> entries.add(stored.entry()));
            from = page.isEmpty() ? from : page.get(page.size() - 1).seq() + 1;
        } while (page.size() == PAGE && entries.size() < MAX_ENTRIES);
        return entries;
    }

    private String practiceName() {
        String name = properties.getPracticeName();
        return name == null || name.isBlank() ? "The practice" : name.strip();
    }

    private static ResponseEntity<String> html(String page) {
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("text/html;charset=UTF-8"))
                .header("Cache-Control", "no-store")
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
                .body(page);
    }

    /**
     * Verifies the chain: 200 with the report when it is intact, 409 with the report naming every problem and
     * where it is when it is not, 503 when the database cannot be read.
     */
    @GetMapping("/verify")
    ResponseEntity<String> verify(HttpServletRequest request) throws Exception {
        if (!StaffAccess.fromThePractice(request)) {
            return StaffAccess.notFound();
        }
        VerificationReport report;
        try {
            report = new AuditVerifier(dataSource, AuditKeyDirectory.publicKeys(properties.getAudit().getKeyDir()))
                    .verify();
        } catch (AuditUnavailableException e) {
            return StaffAccess.json(503, OperationOutcomes.of(GuardError.AUDIT_UNAVAILABLE, null));
        }
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("ok", report.ok());
        node.put("entriesChecked", report.entriesChecked());
        node.put("checkpointsChecked", report.checkpointsChecked());
        node.put("lastSeq", report.lastSeq());
        node.put("lastSignedSeq", report.lastSignedSeq());
        node.put("unsignedEntries", report.unsignedEntries());
        node.put("elapsedMillis", report.elapsed().toMillis());
        ArrayNode problems = node.putArray("problems");
        for (VerificationProblem problem : report.problems()) {
            problems.addObject().put("kind", problem.kind().name()).put("seq", problem.seq())
                    .put("message", problem.message());
        }
        node.put("summary", report.describe().strip());
        return StaffAccess.json(report.ok() ? 200 : 409, node);
    }
}
