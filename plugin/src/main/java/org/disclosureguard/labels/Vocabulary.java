package org.disclosureguard.labels;

/** Canonical URLs and codes of the standards the guard labels with. See {@code docs/labels.md}. */
public final class Vocabulary {

    /** HL7 DS4P inline security label extension (valueCoding). */
    public static final String INLINE_LABEL_EXTENSION =
            "http://hl7.org/fhir/uv/security-label-ds4p/StructureDefinition/extension-inline-sec-label";

    public static final String CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
    public static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    public static final String OBSERVATION_VALUE = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";

    /** Local sensitivity codes for what v3 has no code for (nationality, language). */
    public static final String DG_SENSITIVITY = "https://fhir.disclosureguard.org/CodeSystem/sensitivity";

    /** Marks a resource whose elements carry inline labels. */
    public static final String PROCESS_INLINE_LABEL = "PROCESSINLINELABEL";

    /** The NHS number identifier system. */
    public static final String NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number";

    private Vocabulary() {}
}
