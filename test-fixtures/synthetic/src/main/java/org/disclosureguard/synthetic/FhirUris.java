package org.disclosureguard.synthetic;

/**
 * The URIs this module writes into FHIR resources: identifier systems, profiles, extensions and code
 * systems. Constants only; safe to use from any thread.
 *
 * <p>UK Core URIs follow the HL7 UK Core R4 STU3 release (profiles, extensions and code systems under
 * {@code https://fhir.hl7.org.uk/}); core FHIR extensions and HL7 terminology use their canonical URLs.
 */
public final class FhirUris {

    // Identifier systems.
    /** NHS number. */
    public static final String NHS_NUMBER = NhsNumber.SYSTEM;
    /** ODS organisation code (GP practices). */
    public static final String ODS_ORGANIZATION_CODE = "https://fhir.nhs.uk/Id/ods-organization-code";
    /** SDS user id (Spine directory, practitioners). */
    public static final String SDS_USER_ID = "https://fhir.nhs.uk/Id/sds-user-id";
    /** General Medical Council reference number. */
    public static final String GMC_NUMBER = "https://fhir.hl7.org.uk/Id/gmc-number";
    /** General medical practitioner (GP) code, "G" followed by seven digits. */
    public static final String GMP_NUMBER = "https://fhir.hl7.org.uk/Id/gmp-number";

    // Profiles.
    /** UK Core Patient. */
    public static final String UK_CORE_PATIENT = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient";
    /** UK Core Organization. */
    public static final String UK_CORE_ORGANIZATION =
            "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Organization";
    /** UK Core Practitioner. */
    public static final String UK_CORE_PRACTITIONER =
            "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Practitioner";
    /** UK Core PractitionerRole. */
    public static final String UK_CORE_PRACTITIONER_ROLE =
            "https://fhir.hl7.org.uk/StructureDefinition/UKCore-PractitionerRole";
    /** UK Core RelatedPerson. */
    public static final String UK_CORE_RELATED_PERSON =
            "https://fhir.hl7.org.uk/StructureDefinition/UKCore-RelatedPerson";
    /** UK Core Encounter. */
    public static final String UK_CORE_ENCOUNTER = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Encounter";

    // Extensions on Patient.
    /** UK Core ethnic category (valueCodeableConcept). */
    public static final String EXT_ETHNIC_CATEGORY =
            "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory";
    /** UK Core communication (sub-extensions language, preferred, interpreterRequired). */
    public static final String EXT_NHS_COMMUNICATION =
            "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSCommunication";
    /** Core nationality (sub-extension code). */
    public static final String EXT_NATIONALITY = "http://hl7.org/fhir/StructureDefinition/patient-nationality";
    /** Core place of birth (valueAddress). */
    public static final String EXT_BIRTH_PLACE = "http://hl7.org/fhir/StructureDefinition/patient-birthPlace";
    /** Core religion (valueCodeableConcept). */
    public static final String EXT_RELIGION = "http://hl7.org/fhir/StructureDefinition/patient-religion";
    /** UK Core residential status (valueCodeableConcept). */
    public static final String EXT_RESIDENTIAL_STATUS =
            "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-ResidentialStatus";
    /** UK Core overseas visitor charging category (valueCodeableConcept). */
    public static final String EXT_OVERSEAS_VISITOR_CHARGING_CATEGORY =
            "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-OverseasVisitorChargingCategory";
    /** Core interpreter required (valueBoolean). */
    public static final String EXT_INTERPRETER_REQUIRED =
            "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired";
    /** UK Core NHS number verification status, on the NHS number identifier. */
    public static final String EXT_NHS_NUMBER_VERIFICATION_STATUS =
            "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus";

    // Code systems.
    /** UK Core ethnic category for England (NHS Data Dictionary codes A-Z and 99). */
    public static final String CS_ETHNIC_CATEGORY_ENGLAND =
            "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland";
    /** UK Core human language. */
    public static final String CS_HUMAN_LANGUAGE = "https://fhir.hl7.org.uk/CodeSystem/UKCore-HumanLanguage";
    /** UK Core residential status (H, O). */
    public static final String CS_RESIDENTIAL_STATUS = "https://fhir.hl7.org.uk/CodeSystem/UKCore-ResidentialStatus";
    /** UK Core overseas visitor charging category. */
    public static final String CS_OVERSEAS_VISITOR_CHARGING_CATEGORY =
            "https://fhir.hl7.org.uk/CodeSystem/UKCore-OverseasVisitorChargingCategory";
    /** UK Core NHS number verification status. */
    public static final String CS_NHS_NUMBER_VERIFICATION_STATUS =
            "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatus";
    /** HL7 v3 confidentiality (U, L, M, N, R, V). */
    public static final String V3_CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
    /** HL7 v3 marital status. */
    public static final String V3_MARITAL_STATUS = "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus";
    /** HL7 v3 religious affiliation. */
    public static final String V3_RELIGIOUS_AFFILIATION =
            "http://terminology.hl7.org/CodeSystem/v3-ReligiousAffiliation";
    /** HL7 v3 role code (personal relationships). */
    public static final String V3_ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode";
    /** HL7 v3 act code (encounter class AMB). */
    public static final String V3_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    /** HL7 v3 participation type (PPRF). */
    public static final String V3_PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
    /** HL7 v2 table 0131, contact role (N next of kin). */
    public static final String V2_CONTACT_ROLE = "http://terminology.hl7.org/CodeSystem/v2-0131";
    /** HL7 practitioner role. */
    public static final String PRACTITIONER_ROLE = "http://terminology.hl7.org/CodeSystem/practitioner-role";
    /** HL7 organization type. */
    public static final String ORGANIZATION_TYPE = "http://terminology.hl7.org/CodeSystem/organization-type";
    /** ISO 3166 country codes. */
    public static final String ISO_3166 = "urn:iso:std:iso:3166";
    /** BCP 47 language tags. */
    public static final String BCP_47 = "urn:ietf:bcp:47";
    /** SNOMED CT. */
    public static final String SNOMED_CT = "http://snomed.info/sct";

    private FhirUris() {
    }
}
