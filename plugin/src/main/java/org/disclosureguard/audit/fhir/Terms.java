package org.disclosureguard.audit.fhir;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.disclosureguard.profiles.FhirProfiles;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;

/**
 * The codes an audit entry carries (purpose of use, legal basis, requester class, refusal code), as FHIR codings
 * and as plain English. Local codes and their wording come from the guard's own CodeSystems in {@code fhir-profiles};
 * the few v3-ActReason purposes the default policy uses are worded here.
 *
 * <p>A code that none of these vocabularies knows is never echoed into a published view: {@link #isKnownPurpose},
 * {@link #isKnownLegalBasis} and {@link #isKnownRequesterClass} let callers fold it into "other". Immutable after
 * class initialisation; thread-safe.
 */
final class Terms {

    static final String ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

    /** The stable refusal and failure codes: {@code DG-} and four digits. */
    private static final Pattern DG_CODE = Pattern.compile("DG-[0-9]{4}");

    /** v3-ActReason purposes, in plain English. */
    private static final Map<String, String> V3_PURPOSES = Map.of(
            "TREAT", "treatment",
            "ETREAT", "emergency treatment",
            "PUBHLTH", "public health",
            "HLEGAL", "a legal process (for example a court case)",
            "PATRQT", "at the patient's request",
            "GOV", "government purposes",
            "THREAT", "to prevent a threat to a person",
            "FRAUD", "fraud investigation");

    /** The v3-ActReason code each local purpose maps to (ConceptMap purpose-to-v3-actreason). */
    private static final Map<String, String> LOCAL_PURPOSE_TO_V3 = Map.of(
            "IMMIGENF", "GOV",
            "CRIMEPREV", "GOV",
            "SAFEGUARD", "THREAT",
            "BENEFITFRAUD", "FRAUD");

    private static final Map<String, String> REFUSALS = refusals();

    private static final CodeSystem PURPOSES = load("CodeSystem-dg-purpose-of-use.json");
    private static final CodeSystem LEGAL_BASES = load("CodeSystem-dg-legal-basis.json");
    private static final CodeSystem REQUESTER_CLASSES = load("CodeSystem-dg-requester-class.json");

    private Terms() {}

    static boolean isKnownPurpose(String code) {
        return V3_PURPOSES.containsKey(code) || concept(PURPOSES, code) != null;
    }

    static boolean isKnownLegalBasis(String code) {
        return concept(LEGAL_BASES, code) != null;
    }

    static boolean isKnownRequesterClass(String code) {
        return concept(REQUESTER_CLASSES, code) != null;
    }

    /** Whether the code has the shape of a guard refusal or failure code ({@code DG-nnnn}). */
    static boolean isGuardCode(String code) {
        return code != null && DG_CODE.matcher(code).matches();
    }

    /** The purpose as a FHIR concept (local code plus its v3 mapping), or {@code null} for none. */
    static CodeableConcept purposeConcept(String code) {
        if (code.isEmpty()) {
            return null;
        }
        CodeableConcept concept = new CodeableConcept();
        CodeSystem.ConceptDefinitionComponent local = concept(PURPOSES, code);
        if (local != null) {
            concept.addCoding(new Coding(PURPOSES.getUrl(), code, local.getDisplay()));
            concept.addCoding(new Coding(ACT_REASON, LOCAL_PURPOSE_TO_V3.get(code), null));
        } else if (V3_PURPOSES.containsKey(code)) {
            concept.addCoding(new Coding(ACT_REASON, code, null));
        }
        concept.setText(purpose(code));
        return concept;
    }

    /** The requester class as a FHIR coding, or {@code null} when it is empty or unknown. */
    static Coding requesterClassCoding(String code) {
        CodeSystem.ConceptDefinitionComponent c = concept(REQUESTER_CLASSES, code);
        return c == null ? null : new Coding(REQUESTER_CLASSES.getUrl(), code, c.getDisplay());
    }

    /** The legal basis as a FHIR coding, or {@code null} when it is empty or unknown. */
    static Coding legalBasisCoding(String code) {
        CodeSystem.ConceptDefinitionComponent c = concept(LEGAL_BASES, code);
        return c == null ? null : new Coding(LEGAL_BASES.getUrl(), code, c.getDisplay());
    }

    /** Plain English for a purpose of use; "not stated" when empty, "another purpose" when unknown. */
    static String purpose(String code) {
        if (code.isEmpty()) {
            return "not stated";
        }
        CodeSystem.ConceptDefinitionComponent local = concept(PURPOSES, code);
        if (local != null) {
            return local.getDisplay();
        }
        return V3_PURPOSES.getOrDefault(code, "another purpose");
    }

    /** The longer explanation of a purpose, or empty. */
    static String purposeExplanation(String code) {
        CodeSystem.ConceptDefinitionComponent local = concept(PURPOSES, code);
        return local == null ? "" : local.getDefinition();
    }

    /** Plain English for a legal basis; "none stated" when empty, "another basis" when unknown. */
    static String legalBasis(String code) {
        if (code.isEmpty()) {
            return "none stated";
        }
        CodeSystem.ConceptDefinitionComponent c = concept(LEGAL_BASES, code);
        return c == null ? "another basis" : c.getDisplay();
    }

    /** The longer explanation of a legal basis, or empty. */
    static String legalBasisExplanation(String code) {
        CodeSystem.ConceptDefinitionComponent c = concept(LEGAL_BASES, code);
        return c == null ? "" : c.getDefinition();
    }

    /** Plain English for a requester class; "unidentified requester" when empty, "other" when unknown. */
    static String requesterClass(String code) {
        if (code.isEmpty()) {
            return "unidentified requester";
        }
        CodeSystem.ConceptDefinitionComponent c = concept(REQUESTER_CLASSES, code);
        return c == null ? "other requester" : c.getDisplay();
    }

    /** Plain English for a refusal or failure code, without the code itself. */
    static String refusal(String code) {
        if (code.isEmpty()) {
            return "no reason recorded";
        }
        String text = REFUSALS.get(code);
        if (text != null) {
            return text;
        }
        if (code.startsWith("DG-3")) {
            return "the requester's identity could not be confirmed";
        }
        if (code.startsWith("DG-10") || code.startsWith("DG-15")) {
            return "a technical fault; nothing was released";
        }
        return "refused for another reason";
    }

    /** Capitalises the first letter, for table cells and headings. */
    static String sentence(String text) {
        if (text.isEmpty()) {
            return text;
        }
        return text.substring(0, 1).toUpperCase(Locale.ROOT) + text.substring(1);
    }

    private static Map<String, String> refusals() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("DG-1101", "the record asked for was not found");
        m.put("DG-1102", "the record asked for has been deleted");
        m.put("DG-1103", "the request could not be processed");
        m.put("DG-1104", "the search results had expired");
        m.put("DG-1201", "the request asked for an unsupported format");
        m.put("DG-1202", "the request was for something the practice does not offer");
        m.put("DG-1301", "the requester did not identify themselves");
        m.put("DG-2101", "refused by a rule of the practice's disclosure policy");
        m.put("DG-2102", "no rule of the practice's disclosure policy allows it");
        m.put("DG-2103", "the requester, purpose or legal basis is not one the practice accepts");
        m.put("DG-2104", "refused because the policy could not be applied safely");
        m.put("DG-2105", "held for review by the practice's Caldicott Guardian");
        return Map.copyOf(m);
    }

    private static CodeSystem.ConceptDefinitionComponent concept(CodeSystem cs, String code) {
        if (code == null || code.isEmpty()) {
            return null;
        }
        for (CodeSystem.ConceptDefinitionComponent c : cs.getConcept()) {
            if (c.getCode().equals(code)) {
                return c;
            }
        }
        return null;
    }

    private static CodeSystem load(String fileName) {
        try (InputStream in = FhirProfiles.open(FhirProfiles.RESOURCE_FOLDER + fileName)) {
            return FhirContext.forR4Cached().newJsonParser().parseResource(CodeSystem.class, in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + fileName, e);
        }
    }
}
