package org.disclosureguard.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SyntheticUkGeneratorTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final Pattern POSTCODE = Pattern.compile("^[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][ABD-HJLNP-UW-Z]{2}$");
    private static final Set<String> ENGLAND_ETHNIC_CODES =
            Set.of("A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "R", "S", "Z", "99");
    private static final List<String> PATIENT_EXTENSIONS = List.of(
            FhirUris.EXT_ETHNIC_CATEGORY,
            FhirUris.EXT_NHS_COMMUNICATION,
            FhirUris.EXT_NATIONALITY,
            FhirUris.EXT_BIRTH_PLACE,
            FhirUris.EXT_RELIGION,
            FhirUris.EXT_RESIDENTIAL_STATUS,
            FhirUris.EXT_OVERSEAS_VISITOR_CHARGING_CATEGORY,
            FhirUris.EXT_INTERPRETER_REQUIRED);

    private static SyntheticDataset dataset;

    @BeforeAll
    static void generateOnce() {
        dataset = new SyntheticUkGenerator(42).patients(50).generate();
    }

    private static String json(Resource resource) {
        return FHIR.newJsonParser().encodeResourceToString(resource);
    }

    @Test
    void generate_withDefaults_givesFiftyPatientsAtTwoOrThreePracticesWithTheirGps() {
        SyntheticDataset defaults = new SyntheticUkGenerator(42).generate();
        assertThat(defaults.patients()).hasSize(SyntheticUkGenerator.DEFAULT_PATIENT_COUNT);
        assertThat(dataset.organizations()).hasSizeBetween(2, 3);
        assertThat(dataset.practitioners()).hasSizeGreaterThanOrEqualTo(2 * dataset.organizations().size());
        assertThat(dataset.practitionerRoles()).hasSameSizeAs(dataset.practitioners());
        assertThat(dataset.encounters()).hasSizeBetween(50, 150);
        assertThat(dataset.relatedPersons()).isNotEmpty();
    }

    @Test
    void generate_twiceWithTheSameSeed_givesByteIdenticalJson() {
        String first = json(new SyntheticUkGenerator(42).patients(50).generate().toCollectionBundle());
        String second = json(new SyntheticUkGenerator(42).patients(50).generate().toCollectionBundle());
        assertThat(first).isEqualTo(second);

        IParser pretty = FHIR.newJsonParser().setPrettyPrint(true);
        List<String> transactionsA = new SyntheticUkGenerator(42).generate().toTransactionBundles(40).stream()
                .map(pretty::encodeResourceToString).toList();
        List<String> transactionsB = new SyntheticUkGenerator(42).generate().toTransactionBundles(40).stream()
                .map(pretty::encodeResourceToString).toList();
        assertThat(transactionsA).isEqualTo(transactionsB);
    }

    @Test
    void generate_withDifferentSeeds_givesDifferentPatients() {
        SyntheticDataset other = new SyntheticUkGenerator(43).patients(50).generate();
        assertThat(json(other.toCollectionBundle())).isNotEqualTo(json(dataset.toCollectionBundle()));
        Set<String> nhsNumbers42 = nhsNumbers(dataset);
        Set<String> nhsNumbers43 = nhsNumbers(other);
        assertThat(nhsNumbers43).isNotEqualTo(nhsNumbers42);
    }

    @Test
    void generate_withAnotherReferenceDate_movesDatesButNotIdentities() {
        SyntheticDataset later = new SyntheticUkGenerator(42).patients(50).referenceDate(LocalDate.of(2030, 1, 1)).generate();
        assertThat(nhsNumbers(later)).isEqualTo(nhsNumbers(dataset));
        assertThat(later.patients().get(0).getBirthDateElement().getValueAsString())
                .isNotEqualTo(dataset.patients().get(0).getBirthDateElement().getValueAsString());
    }

    @Test
    void patients_haveUniqueValidSyntheticNhsNumbers() {
        List<String> numbers = dataset.patients().stream().map(p -> nhsNumber(p)).toList();
        assertThat(numbers).doesNotHaveDuplicates().hasSize(50);
        assertThat(numbers).allSatisfy(n -> assertThat(NhsNumber.isSynthetic(n)).as(n).isTrue());
    }

    @Test
    void everyFullPatient_carriesEveryDemographicElement() {
        List<Patient> full = dataset.patients().stream()
                .filter(p -> !dataset.minimalPatientIds().contains(p.getIdPart())).toList();
        assertThat(full).hasSizeGreaterThanOrEqualTo(45);
        for (Patient patient : full) {
            String id = patient.getIdPart();
            assertThat(patient.getMeta().getProfile()).as(id).extracting(p -> p.getValue())
                    .containsExactly(FhirUris.UK_CORE_PATIENT);
            assertThat(patient.getMeta().getSecurity()).as(id).singleElement()
                    .satisfies(c -> assertThat(c.getSystem()).isEqualTo(FhirUris.V3_CONFIDENTIALITY));
            assertThat(patient.getIdentifierFirstRep().getSystem()).as(id).isEqualTo(NhsNumber.SYSTEM);

            assertThat(patient.getName()).as(id).isNotEmpty();
            assertThat(patient.getNameFirstRep().getFamily()).as(id).isNotBlank();
            assertThat(patient.getNameFirstRep().getGiven()).as(id).isNotEmpty();
            assertThat(patient.getGender()).as(id).isNotNull();
            assertThat(patient.getBirthDate()).as(id).isNotNull();

            assertThat(patient.getAddress()).as(id).hasSizeBetween(1, 2);
            Address home = patient.getAddressFirstRep();
            assertThat(home.getUse()).as(id).isEqualTo(Address.AddressUse.HOME);
            for (Address address : patient.getAddress()) {
                assertThat(address.getLine()).as(id).isNotEmpty();
                assertThat(address.getLine().get(0).getValue()).as(id).containsPattern("^(Flat )?\\d+");
                assertThat(address.getCity()).as(id).isNotBlank();
                assertThat(address.getPostalCode()).as(id).matches(POSTCODE);
                assertThat(address.getCountry()).as(id).isEqualTo("GB");
                assertThat(address.getUse()).as(id).isNotNull();
                assertThat(address.getPeriod().hasStart()).as(id).isTrue();
            }

            assertThat(telecom(patient.getTelecom(), ContactPoint.ContactPointUse.HOME, ContactPoint.ContactPointSystem.PHONE))
                    .as(id).matches("01632960\\d{3}");
            assertThat(telecom(patient.getTelecom(), ContactPoint.ContactPointUse.MOBILE, ContactPoint.ContactPointSystem.PHONE))
                    .as(id).matches("07700900\\d{3}");
            assertThat(telecom(patient.getTelecom(), ContactPoint.ContactPointUse.HOME, ContactPoint.ContactPointSystem.EMAIL))
                    .as(id).matches("[a-z]+\\.[a-z]+\\d{0,2}@example\\.(com|org)");

            assertThat(patient.getMaritalStatus().getCodingFirstRep().getSystem()).as(id).isEqualTo(FhirUris.V3_MARITAL_STATUS);
            assertThat(patient.getGeneralPractitioner()).as(id).extracting(r -> r.getReference().split("/")[0])
                    .containsExactly("Practitioner", "Organization");
            assertThat(patient.getManagingOrganization().getReference()).as(id).startsWith("Organization/");

            assertThat(patient.getContact()).as(id).singleElement().satisfies(contact -> {
                assertThat(contact.getName().getFamily()).isNotBlank();
                assertThat(contact.getTelecom()).isNotEmpty();
                assertThat(contact.getAddress().getPostalCode()).matches(POSTCODE);
                assertThat(contact.getRelationshipFirstRep().getCoding()).extracting(Coding::getSystem)
                        .contains(FhirUris.V2_CONTACT_ROLE, FhirUris.V3_ROLE_CODE);
            });
            assertThat(patient.getCommunication()).as(id).singleElement().satisfies(c -> {
                assertThat(c.getLanguage().getCodingFirstRep().getSystem()).isEqualTo(FhirUris.CS_HUMAN_LANGUAGE);
                assertThat(c.getPreferred()).isTrue();
            });

            for (String url : PATIENT_EXTENSIONS) {
                assertThat(patient.getExtensionsByUrl(url)).as(id + " " + url).hasSize(1);
            }
            Extension communication = patient.getExtensionByUrl(FhirUris.EXT_NHS_COMMUNICATION);
            assertThat(communication.getExtension()).extracting(Extension::getUrl)
                    .containsExactly("language", "preferred", "interpreterRequired");
            assertThat(patient.getExtensionByUrl(FhirUris.EXT_NATIONALITY).getExtensionByUrl("code").getValue())
                    .isInstanceOf(CodeableConcept.class);
            assertThat(patient.getExtensionByUrl(FhirUris.EXT_BIRTH_PLACE).getValue()).isInstanceOf(Address.class);
            assertThat(patient.getExtensionByUrl(FhirUris.EXT_INTERPRETER_REQUIRED).getValue()).isInstanceOf(BooleanType.class);
            CodeableConcept ethnic = (CodeableConcept) patient.getExtensionByUrl(FhirUris.EXT_ETHNIC_CATEGORY).getValue();
            assertThat(ethnic.getCodingFirstRep().getSystem()).isEqualTo(FhirUris.CS_ETHNIC_CATEGORY_ENGLAND);
            assertThat(ethnic.getCodingFirstRep().getCode()).isIn(ENGLAND_ETHNIC_CODES);

            assertThat(patient.getText().getStatus().toCode()).as(id).isEqualTo("generated");
            String div = patient.getText().getDivAsString();
            assertThat(div).as(id).contains(home.getPostalCode())
                    .containsIgnoringCase(patient.getNameFirstRep().getFamily())
                    .contains(NhsNumber.format(nhsNumber(patient)));
        }
    }

    @Test
    void minimalPatients_carryOnlyIdentityAndRegistration() {
        assertThat(dataset.minimalPatientIds()).isNotEmpty();
        Map<String, Patient> byId = dataset.patients().stream().collect(Collectors.toMap(Patient::getIdPart, p -> p));
        for (String id : dataset.minimalPatientIds()) {
            Patient patient = byId.get(id);
            assertThat(NhsNumber.isSynthetic(nhsNumber(patient))).isTrue();
            assertThat(patient.getNameFirstRep().getFamily()).isNotBlank();
            assertThat(patient.getBirthDate()).isNotNull();
            assertThat(patient.getGeneralPractitioner()).isNotEmpty();
            assertThat(patient.getAddress()).isEmpty();
            assertThat(patient.getTelecom()).isEmpty();
            assertThat(patient.getExtension()).isEmpty();
            assertThat(patient.getContact()).isEmpty();
            assertThat(patient.hasMaritalStatus()).isFalse();
        }
        assertThat(new SyntheticUkGenerator(42).minimalPatients(false).generate().minimalPatientIds()).isEmpty();
    }

    @Test
    void patients_comeFromVariedBackgroundsWithNonAsciiNames() {
        Set<String> ethnicCodes = dataset.patients().stream()
                .map(p -> p.getExtensionByUrl(FhirUris.EXT_ETHNIC_CATEGORY))
                .filter(e -> e != null)
                .map(e -> ((CodeableConcept) e.getValue()).getCodingFirstRep().getCode())
                .collect(Collectors.toSet());
        assertThat(ethnicCodes).hasSizeGreaterThanOrEqualTo(6);
        SyntheticDataset large = new SyntheticUkGenerator(42).patients(300).generate();
        assertThat(large.patients()).anySatisfy(p -> assertThat(json(p)).containsPattern("\"family\":\"[^\"]*[^\\x00-\\x7F]"));
        assertThat(large.patients()).anySatisfy(p -> assertThat(p.getNameFirstRep().getFamily()).contains("'"));
        assertThat(large.patients()).anySatisfy(p -> assertThat(p.getNameFirstRep().getFamily()).contains("-"));
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 11, 29, 50, 200})
    void generate_withTenOrMorePatients_marksAtLeastOneRestrictedAndOneVeryRestricted(int count) {
        SyntheticDataset data = new SyntheticUkGenerator(count).patients(count).generate();
        Map<String, Long> byCode = data.patients().stream()
                .collect(Collectors.groupingBy(p -> p.getMeta().getSecurityFirstRep().getCode(), Collectors.counting()));
        assertThat(byCode.keySet()).containsExactlyInAnyOrder("N", "R", "V");
        assertThat(byCode.get("R")).isGreaterThanOrEqualTo(1).isLessThanOrEqualTo(Math.max(1, Math.round(count * 0.10)));
        assertThat(byCode.get("V")).isGreaterThanOrEqualTo(1).isLessThanOrEqualTo(Math.max(1, Math.round(count * 0.03)));
        assertThat(data.patients()).allSatisfy(p -> assertThat(p.getMeta().getSecurityFirstRep().getSystem())
                .isEqualTo(FhirUris.V3_CONFIDENTIALITY));
    }

    @Test
    void generate_withFiftyPatients_restrictsFiveAndVeryRestrictsTwo() {
        Map<String, Long> byCode = dataset.patients().stream()
                .collect(Collectors.groupingBy(p -> p.getMeta().getSecurityFirstRep().getCode(), Collectors.counting()));
        assertThat(byCode).containsEntry("R", 5L).containsEntry("V", 2L).containsEntry("N", 43L);
    }

    @Test
    void everyResource_parsesBackWithHapiToTheSameJson() {
        IParser parser = FHIR.newJsonParser();
        for (Resource resource : dataset.allResources()) {
            String encoded = parser.encodeResourceToString(resource);
            Resource parsed = (Resource) parser.parseResource(encoded);
            assertThat(parsed.fhirType()).isEqualTo(resource.fhirType());
            assertThat(parser.encodeResourceToString(parsed)).isEqualTo(encoded);
        }
        String xml = FHIR.newXmlParser().encodeResourceToString(dataset.toCollectionBundle());
        assertThat(FHIR.newXmlParser().parseResource(Bundle.class, xml).getEntry()).hasSize(dataset.allResources().size());
    }

    @Test
    void everyReference_resolvesInsideTheDataset() {
        Set<String> ids = dataset.allResources().stream().map(r -> r.fhirType() + "/" + r.getIdPart()).collect(Collectors.toSet());
        int checked = 0;
        for (Resource resource : dataset.allResources()) {
            for (org.hl7.fhir.r4.model.Reference reference
                    : FHIR.newTerser().getAllPopulatedChildElementsOfType(resource, org.hl7.fhir.r4.model.Reference.class)) {
                assertThat(ids).as(resource.getIdPart() + " -> " + reference.getReference()).contains(reference.getReference());
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(300);
    }

    @Test
    void relatedPersonsAndEncounters_pointAtTheirPatientAndPractice() {
        Map<String, Patient> patients = dataset.patients().stream().collect(Collectors.toMap(Patient::getIdPart, p -> p));
        for (RelatedPerson person : dataset.relatedPersons()) {
            assertThat(person.getPatient().getReference()).startsWith("Patient/dg-pat-");
            assertThat(person.getName()).isNotEmpty();
            assertThat(person.getTelecom()).isNotEmpty();
            assertThat(person.getAddress()).isNotEmpty();
            assertThat(person.getRelationshipFirstRep().getCodingFirstRep().getSystem()).isEqualTo(FhirUris.V3_ROLE_CODE);
            assertThat(person.getIdPart()).startsWith(person.getPatient().getReference().replace("Patient/dg-pat-", "dg-rp-"));
        }
        Map<String, Integer> encountersPerPatient = new HashMap<>();
        for (Encounter encounter : dataset.encounters()) {
            Patient patient = patients.get(encounter.getSubject().getReference().substring("Patient/".length()));
            assertThat(patient).isNotNull();
            assertThat(encounter.getClass_().getCode()).isEqualTo("AMB");
            assertThat(encounter.getPeriod().getStart()).isBefore(encounter.getPeriod().getEnd());
            assertThat(encounter.getServiceProvider().getReference()).isEqualTo(patient.getManagingOrganization().getReference());
            assertThat(encounter.getParticipantFirstRep().getIndividual().getReference()).startsWith("Practitioner/");
            encountersPerPatient.merge(patient.getIdPart(), 1, Integer::sum);
        }
        assertThat(encountersPerPatient).hasSize(50);
        assertThat(encountersPerPatient.values()).allSatisfy(n -> assertThat(n).isBetween(1, 3));
    }

    @Test
    void practices_andGps_carryUkIdentifiersAndWorkContacts() {
        assertThat(dataset.organizations()).allSatisfy(org -> {
            assertThat(org.getIdentifierFirstRep().getSystem()).isEqualTo(FhirUris.ODS_ORGANIZATION_CODE);
            assertThat(org.getIdentifierFirstRep().getValue()).matches("Y\\d{5}");
            assertThat(org.getName()).isNotBlank();
            assertThat(org.getAddressFirstRep().getPostalCode()).matches(POSTCODE);
            assertThat(org.getTelecomFirstRep().getValue()).matches("01\\d{2}4960\\d{3}");
        });
        assertThat(dataset.practitioners()).allSatisfy(gp -> {
            assertThat(gp.getIdentifier()).extracting(i -> i.getSystem()).contains(FhirUris.SDS_USER_ID);
            assertThat(gp.getNameFirstRep().getPrefixAsSingleString()).isEqualTo("Dr");
            assertThat(gp.getTelecom()).extracting(ContactPoint::getSystem)
                    .contains(ContactPoint.ContactPointSystem.EMAIL, ContactPoint.ContactPointSystem.PHONE);
            assertThat(gp.getTelecom()).allSatisfy(t -> assertThat(t.getUse()).isEqualTo(ContactPoint.ContactPointUse.WORK));
        });
        assertThat(dataset.practitionerRoles()).allSatisfy(role -> {
            assertThat(role.getPractitioner().getReference()).startsWith("Practitioner/");
            assertThat(role.getOrganization().getReference()).startsWith("Organization/");
        });
    }

    @Test
    void toTransactionBundles_putsEveryResourceAtItsOwnIdInDependencyOrder() {
        List<Bundle> bundles = dataset.toTransactionBundles(25);
        int total = dataset.allResources().size();
        assertThat(bundles).hasSize((total + 24) / 25);
        Map<String, Integer> position = new HashMap<>();
        int index = 0;
        for (Bundle bundle : bundles) {
            assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
            assertThat(bundle.getEntry()).hasSizeBetween(1, 25);
            for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                Resource resource = entry.getResource();
                assertThat(entry.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.PUT);
                assertThat(entry.getRequest().getUrl()).isEqualTo(resource.fhirType() + "/" + resource.getIdPart());
                assertThat(entry.getFullUrl()).startsWith("urn:uuid:");
                assertThat(position.put(entry.getRequest().getUrl(), index++)).as("duplicate " + entry.getRequest().getUrl()).isNull();
            }
        }
        assertThat(position).hasSize(total);
        for (Bundle bundle : bundles) {
            for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                int own = position.get(entry.getRequest().getUrl());
                for (org.hl7.fhir.r4.model.Reference reference
                        : FHIR.newTerser().getAllPopulatedChildElementsOfType(entry.getResource(), org.hl7.fhir.r4.model.Reference.class)) {
                    assertThat(position.get(reference.getReference())).as(entry.getRequest().getUrl()).isLessThan(own);
                }
            }
        }
    }

    @Test
    void toTransactionBundles_parsesBackWithUrlsMatchingIds() {
        IParser parser = FHIR.newJsonParser();
        for (Bundle bundle : dataset.toTransactionBundles(100)) {
            Bundle parsed = parser.parseResource(Bundle.class, parser.encodeResourceToString(bundle));
            assertThat(parsed.getEntry()).allSatisfy(entry -> assertThat(entry.getRequest().getUrl())
                    .isEqualTo(entry.getResource().fhirType() + "/" + entry.getResource().getIdElement().getIdPart()));
        }
        assertThatThrownBy(() -> dataset.toTransactionBundles(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void accessors_returnUnmodifiableCopiesThatCannotChangeTheDataset() {
        List<Patient> patients = dataset.patients();
        patients.get(0).getNameFirstRep().setFamily("Changed");
        assertThat(dataset.patients().get(0).getNameFirstRep().getFamily()).isNotEqualTo("Changed");
        assertThatThrownBy(() -> patients.add(new Patient())).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> dataset.encounters().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void options_outOfRange_areRefused() {
        assertThatThrownBy(() -> new SyntheticUkGenerator(1).patients(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SyntheticUkGenerator(1).practices(SyntheticUkGenerator.MAX_PRACTICES + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new SyntheticUkGenerator(1).practices(5).patients(3).generate().organizations()).hasSize(5);
    }

    private static Set<String> nhsNumbers(SyntheticDataset data) {
        return data.patients().stream().map(SyntheticUkGeneratorTest::nhsNumber).collect(Collectors.toSet());
    }

    private static String nhsNumber(Patient patient) {
        return patient.getIdentifier().stream().filter(i -> NhsNumber.SYSTEM.equals(i.getSystem())).findFirst()
                .orElseThrow().getValue();
    }

    private static String telecom(List<ContactPoint> telecoms, ContactPoint.ContactPointUse use, ContactPoint.ContactPointSystem system) {
        return telecoms.stream().filter(t -> t.getUse() == use && t.getSystem() == system).map(ContactPoint::getValue)
                .findFirst().orElse("missing " + use + " " + system);
    }
}
