package org.disclosureguard.notification;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import org.disclosureguard.profiles.FhirProfiles;

/**
 * The plain-English words for the codes a notice carries (requester class, purpose of use, legal basis): the
 * displays of the guard's own CodeSystems in {@code fhir-profiles}, plus the HL7 v3-ActReason purposes the guard
 * uses unchanged. An unknown code is returned as it is, so a notice never loses information.
 *
 * <p>Immutable and thread-safe once built.
 */
public final class PlainWords {

    private static final Map<String, String> V3_PURPOSES = Map.of(
            "TREAT", "treatment",
            "ETREAT", "emergency treatment",
            "PUBHLTH", "public health",
            "HLEGAL", "legal proceedings",
            "PATRQT", "the patient's own request");

    private final Map<String, String> requesterClasses;
    private final Map<String, String> purposes;
    private final Map<String, String> legalBases;

    private PlainWords(Map<String, String> requesterClasses, Map<String, String> purposes,
                       Map<String, String> legalBases) {
        this.requesterClasses = Map.copyOf(requesterClasses);
        this.purposes = Map.copyOf(purposes);
        this.legalBases = Map.copyOf(legalBases);
    }

    /**
     * The words from the conformance resources on the classpath.
     *
     * @throws IllegalStateException when a CodeSystem is missing or unreadable
     */
    public static PlainWords fromConformanceResources() {
        Map<String, String> purposes = new HashMap<>(V3_PURPOSES);
        purposes.putAll(displays("CodeSystem-dg-purpose-of-use.json"));
        return new PlainWords(displays("CodeSystem-dg-requester-class.json"), purposes,
                displays("CodeSystem-dg-legal-basis.json"));
    }

    private static Map<String, String> displays(String file) {
        Map<String, String> out = new HashMap<>();
        try (InputStream in = FhirProfiles.open(FhirProfiles.RESOURCE_FOLDER + file)) {
            JsonNode codeSystem = new ObjectMapper().readTree(in);
            for (JsonNode concept : codeSystem.path("concept")) {
                out.put(concept.path("code").asText(), concept.path("display").asText());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + " from fhir-profiles", e);
        }
        if (out.isEmpty()) {
            throw new IllegalStateException(file + " in fhir-profiles has no concepts");
        }
        return out;
    }

    /** The requester class in plain words ({@code police}), or the code itself when unknown; empty for empty. */
    public String requesterClass(String code) {
        return lookup(requesterClasses, code);
    }

    /** The purpose of use in plain words ({@code prevention or detection of crime}), or the code itself. */
    public String purposeOfUse(String code) {
        return lookup(purposes, code);
    }

    /** The legal basis in plain words ({@code deportation after serious crime}), or the code itself. */
    public String legalBasis(String code) {
        return lookup(legalBases, code);
    }

    private static String lookup(Map<String, String> words, String code) {
        if (code == null || code.isEmpty()) {
            return "";
        }
        return words.getOrDefault(code, code);
    }
}
