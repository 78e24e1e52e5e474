package org.disclosureguard.review;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.disclosureguard.labels.SecurityLabel;
import org.disclosureguard.labels.Vocabulary;
import org.disclosureguard.profiles.FhirProfiles;

/**
 * Plain-English names for the codes a reviewer sees: requester classes, purposes of use and legal bases (the
 * displays and definitions of the guard's CodeSystems in {@code fhir-profiles}, read from the classpath; v3-ActReason
 * purposes from a table here), security labels (as in {@code docs/labels.md}), obligations and reviewer roles.
 * A code with no name here is shown as itself, never dropped.
 *
 * <p>Immutable and thread-safe; the CodeSystems are read once, when the class is loaded.
 */
public final class PlainEnglish {

    /** A name and, when known, a one-sentence explanation. */
    public record Term(String code, String name, String explanation) {
        public Term {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(name, "name");
            explanation = explanation == null ? "" : explanation;
        }
    }

    /** The demographic labels the guard places by default, in the order a reviewer reads them (docs/labels.md). */
    public static final List<SecurityLabel> DEMOGRAPHIC_LABELS = List.of(
            SecurityLabel.parse("DEMO"), SecurityLabel.parse("DOB"), SecurityLabel.parse("IDS"),
            SecurityLabel.parse("GENDER"), SecurityLabel.parse("LOCIS"), SecurityLabel.parse("NATIONALITY"),
            SecurityLabel.parse("LANGUAGE"), SecurityLabel.parse("RACE"), SecurityLabel.parse("REL"),
            SecurityLabel.parse("MARST"));

    private static final Map<String, Term> LABELS = Map.ofEntries(
            label("DEMO", "Name and personal details", "names, photograph, mother's maiden name, contact"
                    + " preferences, and the names of contacts"),
            label("DOB", "Date of birth", "the date of birth"),
            label("IDS", "Identifiers", "the NHS number and other identifiers, and links to other records"),
            label("GENDER", "Gender and sex", "gender, sex recorded at birth and gender identity"),
            label("LOCIS", "Where the person can be found", "addresses, telephone numbers and e-mail, next of kin"
                    + " and other contacts, registered GP, nominated pharmacy and birthplace"),
            label("NATIONALITY", "Nationality and immigration status", "nationality, citizenship, birthplace,"
                    + " residential or immigration status and overseas-visitor charging category"),
            label("LANGUAGE", "Language and communication needs", "languages, communication needs and whether an"
                    + " interpreter is required"),
            label("RACE", "Ethnicity", "ethnic category"),
            label("REL", "Religion", "religion"),
            label("MARST", "Marital status", "marital status"),
            label("ETH", "Substance misuse information", "information about substance misuse"),
            label("HIV", "HIV/AIDS information", "information about HIV or AIDS"),
            label("PSY", "Psychiatry information", "mental health information"),
            label("SDV", "Sexual assault, abuse or domestic violence information",
                    "information about sexual assault, abuse or domestic violence"),
            label("SEX", "Sexuality and reproductive health information",
                    "information about sexuality and reproductive health"),
            label("STD", "Sexually transmitted disease information",
                    "information about sexually transmitted diseases"));

    private static final Map<String, String> OBLIGATIONS = Map.of(
            "NORDSCLCD", "must not be disclosed further without the patient's consent",
            "NOREUSE", "must not be used for any other purpose",
            "DELAU", "must be deleted after use",
            "NOCOLLECT", "must not be collected into other records",
            "NOINTEGRATE", "must not be integrated into other records",
            "NOPERSISTP", "must not be stored",
            "PERSISTLABEL", "must keep its security labels",
            "ENCRYPT", "must be kept encrypted");

    private static final Map<String, String> ROLES = Map.of(
            "caldicott-guardian", "Caldicott Guardian",
            "safeguarding-lead", "safeguarding lead");

    private static final Map<String, Term> V3_PURPOSES = Map.of(
            "TREAT", new Term("TREAT", "treatment", "care of the patient by those treating them"),
            "ETREAT", new Term("ETREAT", "emergency treatment", "emergency care of the patient"),
            "PUBHLTH", new Term("PUBHLTH", "public health", "public health purposes"),
            "HLEGAL", new Term("HLEGAL", "legal proceedings", "court or other legal proceedings"),
            "PATRQT", new Term("PATRQT", "the patient's own request", "at the request of the patient"));

    private static final Map<String, Term> REQUESTER_CLASSES = codeSystem("CodeSystem-dg-requester-class.json");
    private static final Map<String, Term> PURPOSES = codeSystem("CodeSystem-dg-purpose-of-use.json");
    private static final Map<String, Term> LEGAL_BASES = codeSystem("CodeSystem-dg-legal-basis.json");

    private PlainEnglish() {
    }

    /** The requester class ({@code police} is "police: A police force in the United Kingdom, ..."). */
    public static Term requesterClass(String code) {
        return REQUESTER_CLASSES.getOrDefault(code, unknown(code));
    }

    /** The purpose of use: the guard's own codes and the v3-ActReason codes it declares. */
    public static Term purpose(String code) {
        Term term = PURPOSES.get(code);
        return term != null ? term : V3_PURPOSES.getOrDefault(code, unknown(code));
    }

    /** The legal basis. */
    public static Term legalBasis(String code) {
        return LEGAL_BASES.getOrDefault(code, unknown(code));
    }

    /** A security label: its name and what it covers; a practice's own label is shown as {@code system#code}. */
    public static Term label(SecurityLabel label) {
        Term term = label.equals(SecurityLabel.parse(label.code())) ? LABELS.get(label.code()) : null;
        return term != null ? term : new Term(label.toString(), label.code(), label.toString());
    }

    /** What an obligation asks of the recipient ("must not be disclosed further ..."), or its code. */
    public static String obligation(SecurityLabel label) {
        String text = label.system().equals(Vocabulary.ACT_CODE) ? OBLIGATIONS.get(label.code()) : null;
        return text != null ? text : "must be handled as " + label;
    }

    /** A reviewer role's name ({@code caldicott-guardian} is "Caldicott Guardian"), or the code itself. */
    public static String role(String code) {
        return ROLES.getOrDefault(code, code);
    }

    private static Term unknown(String code) {
        return new Term(code, code.isEmpty() ? "(none stated)" : code, "");
    }

    private static Map.Entry<String, Term> label(String code, String name, String explanation) {
        return Map.entry(code, new Term(code, name, explanation));
    }

    private static Map<String, Term> codeSystem(String file) {
        try (InputStream in = FhirProfiles.open(FhirProfiles.RESOURCE_FOLDER + file)) {
            JsonNode root = new ObjectMapper().readTree(in);
            Map<String, Term> terms = new LinkedHashMap<>();
            for (JsonNode concept : root.path("concept")) {
                String code = concept.path("code").asText();
                terms.put(code, new Term(code, concept.path("display").asText(code),
                        concept.path("definition").asText("")));
            }
            if (terms.isEmpty()) {
                throw new IllegalStateException(file + " has no concepts");
            }
            return Map.copyOf(terms);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }
}
