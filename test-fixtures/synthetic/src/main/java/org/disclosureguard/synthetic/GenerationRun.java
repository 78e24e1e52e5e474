package org.disclosureguard.synthetic;

import java.text.Normalizer;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.disclosureguard.synthetic.Populations.Code;
import org.disclosureguard.synthetic.Populations.District;
import org.disclosureguard.synthetic.Populations.Locality;
import org.disclosureguard.synthetic.Populations.Place;
import org.disclosureguard.synthetic.Populations.Population;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;

/**
 * One execution of {@link SyntheticUkGenerator#generate()}: owns the random streams and the resources
 * built so far. Every random choice comes from {@link SplittableRandom} instances derived from the seed in
 * a fixed order (practices, confidentiality selection, then one stream per patient), so adding a field to
 * one patient never shifts the values of another. Not thread-safe; used once.
 */
final class GenerationRun {

    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final DateTimeFormatter FHIR_DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx", Locale.ROOT);

    private final long seed;
    private final int patientCount;
    private final int requestedPractices;
    private final LocalDate referenceDate;
    private final boolean minimalPatients;

    private final SplittableRandom root;
    private final Set<String> usedNhsNumbers = new HashSet<>();
    private final Set<String> usedOdsCodes = new HashSet<>();

    private final List<Practice> practices = new ArrayList<>();
    private final List<Organization> organizations = new ArrayList<>();
    private final List<Practitioner> practitioners = new ArrayList<>();
    private final List<PractitionerRole> roles = new ArrayList<>();
    private final List<Patient> patients = new ArrayList<>();
    private final List<RelatedPerson> relatedPersons = new ArrayList<>();
    private final List<Encounter> encounters = new ArrayList<>();
    private final Set<String> minimalIds = new LinkedHashSet<>();

    /** A practice with its organisation, locality and GPs. */
    private record Practice(Organization organization, Locality locality, List<Practitioner> gps) {
    }

    /** Everything chosen about one person before the resources are built. */
    private record Person(
            Population population,
            AdministrativeGender gender,
            LocalDate birthDate,
            List<String> given,
            String family,
            boolean ukBorn,
            Place abroad) {
    }

    GenerationRun(long seed, int patientCount, int requestedPractices, LocalDate referenceDate, boolean minimalPatients) {
        this.seed = seed;
        this.patientCount = patientCount;
        this.requestedPractices = requestedPractices;
        this.referenceDate = referenceDate;
        this.minimalPatients = minimalPatients;
        this.root = new SplittableRandom(seed);
    }

    SyntheticDataset run() {
        SplittableRandom practiceRandom = root.split();
        SplittableRandom selectionRandom = root.split();
        buildPractices(practiceRandom);

        char[] confidentiality = chooseConfidentiality(selectionRandom);
        boolean[] minimal = chooseMinimal(selectionRandom, confidentiality);
        for (int i = 0; i < patientCount; i++) {
            buildPatient(root.split(), i + 1, confidentiality[i], minimal[i]);
        }
        return new SyntheticDataset(seed, referenceDate, organizations, practitioners, roles, patients,
                relatedPersons, encounters, minimalIds);
    }

    // ---------------------------------------------------------------------------------------------
    // Practices and GPs

    private void buildPractices(SplittableRandom random) {
        int count = requestedPractices > 0 ? requestedPractices : 2 + random.nextInt(2);
        List<Locality> localities = new ArrayList<>(Populations.LOCALITIES);
        shuffle(localities, random);
        int gpNumber = 0;
        for (int p = 1; p <= count; p++) {
            Locality locality = localities.get(p - 1);
            Organization org = new Organization();
            org.setId(String.format(Locale.ROOT, "dg-org-%03d", p));
            org.getMeta().addProfile(FhirUris.UK_CORE_ORGANIZATION);
            org.addIdentifier().setSystem(FhirUris.ODS_ORGANIZATION_CODE).setValue(newOdsCode(random));
            org.setActive(true);
            org.addType().addCoding(new Coding(FhirUris.ORGANIZATION_TYPE, "prov", "Healthcare Provider"));
            org.setName(locality.practiceName());
            String phone = dramaNumber(locality.phoneStem(), random);
            org.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(phone)
                    .setUse(ContactPoint.ContactPointUse.WORK);
            org.addTelecom().setSystem(ContactPoint.ContactPointSystem.EMAIL)
                    .setValue("reception@" + locality.emailDomain()).setUse(ContactPoint.ContactPointUse.WORK);
            District district = locality.districts().get(0);
            org.addAddress()
                    .setUse(Address.AddressUse.WORK)
                    .setType(Address.AddressType.BOTH)
                    .addLine((1 + random.nextInt(120)) + " " + pick(Populations.STREETS, random))
                    .addLine(district.locality())
                    .setCity(locality.town())
                    .setDistrict(locality.county())
                    .setPostalCode(postcode(district, random))
                    .setCountry("GB");
            organizations.add(org);

            List<Practitioner> gps = new ArrayList<>();
            int gpCount = 2 + random.nextInt(2);
            for (int g = 0; g < gpCount; g++) {
                gpNumber++;
                Practitioner gp = buildGp(random, gpNumber, locality, phone);
                gps.add(gp);
                practitioners.add(gp);
                PractitionerRole role = new PractitionerRole();
                role.setId(String.format(Locale.ROOT, "dg-prole-%03d", gpNumber));
                role.getMeta().addProfile(FhirUris.UK_CORE_PRACTITIONER_ROLE);
                role.setActive(true);
                role.setPeriod(new Period().setStartElement(new DateTimeType(referenceDate
                        .minusYears(1 + random.nextInt(20)).minusDays(random.nextInt(365)).toString())));
                role.setPractitioner(reference(gp, displayName(gp.getNameFirstRep())));
                role.setOrganization(reference(org, org.getName()));
                role.addCode().addCoding(new Coding(FhirUris.PRACTITIONER_ROLE, "doctor", "Doctor"))
                        .setText("General practitioner");
                role.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(phone)
                        .setUse(ContactPoint.ContactPointUse.WORK);
                roles.add(role);
            }
            practices.add(new Practice(org, locality, gps));
        }
    }

    private Practitioner buildGp(SplittableRandom random, int number, Locality locality, String practicePhone) {
        Population population = pickPopulation(random);
        AdministrativeGender gender = random.nextBoolean() ? AdministrativeGender.FEMALE : AdministrativeGender.MALE;
        String given = pick(gender == AdministrativeGender.MALE ? population.maleGiven() : population.femaleGiven(), random);
        String family = pick(population.family(), random);

        Practitioner gp = new Practitioner();
        gp.setId(String.format(Locale.ROOT, "dg-pract-%03d", number));
        gp.getMeta().addProfile(FhirUris.UK_CORE_PRACTITIONER);
        gp.addIdentifier().setSystem(FhirUris.SDS_USER_ID)
                .setValue(String.format(Locale.ROOT, "5550%08d", random.nextInt(100_000_000)));
        gp.addIdentifier().setSystem(FhirUris.GMP_NUMBER)
                .setValue(String.format(Locale.ROOT, "G%07d", random.nextInt(10_000_000)));
        gp.addIdentifier().setSystem(FhirUris.GMC_NUMBER)
                .setValue(String.format(Locale.ROOT, "%07d", 6_000_000 + random.nextInt(1_000_000)));
        gp.setActive(true);
        HumanName name = gp.addName().setUse(HumanName.NameUse.OFFICIAL).setFamily(family).addGiven(given);
        name.addPrefix("Dr");
        gp.setGender(gender);
        gp.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(practicePhone)
                .setUse(ContactPoint.ContactPointUse.WORK);
        gp.addTelecom().setSystem(ContactPoint.ContactPointSystem.EMAIL)
                .setValue(asciiLocalPart(given) + "." + asciiLocalPart(family) + "@" + locality.emailDomain())
                .setUse(ContactPoint.ContactPointUse.WORK);
        return gp;
    }

    private String newOdsCode(SplittableRandom random) {
        while (true) {
            String code = String.format(Locale.ROOT, "Y%05d", random.nextInt(100_000));
            if (usedOdsCodes.add(code)) {
                return code;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Confidentiality and minimal patients

    private char[] chooseConfidentiality(SplittableRandom random) {
        char[] codes = new char[patientCount];
        Arrays.fill(codes, 'N');
        int veryRestricted = (int) Math.round(patientCount * 0.03);
        int restricted = (int) Math.round(patientCount * 0.10);
        if (patientCount >= 10) {
            veryRestricted = Math.max(1, veryRestricted);
            restricted = Math.max(1, restricted);
        }
        List<Integer> order = shuffledIndexes(random);
        for (int i = 0; i < veryRestricted; i++) {
            codes[order.get(i)] = 'V';
        }
        for (int i = veryRestricted; i < veryRestricted + restricted && i < patientCount; i++) {
            codes[order.get(i)] = 'R';
        }
        return codes;
    }

    private boolean[] chooseMinimal(SplittableRandom random, char[] confidentiality) {
        boolean[] minimal = new boolean[patientCount];
        if (!minimalPatients || patientCount < 10) {
            return minimal;
        }
        int wanted = Math.max(1, patientCount / 25);
        for (int index : shuffledIndexes(random)) {
            if (wanted == 0) {
                break;
            }
            if (confidentiality[index] == 'N') {
                minimal[index] = true;
                wanted--;
            }
        }
        return minimal;
    }

    private List<Integer> shuffledIndexes(SplittableRandom random) {
        List<Integer> order = new ArrayList<>(patientCount);
        for (int i = 0; i < patientCount; i++) {
            order.add(i);
        }
        shuffle(order, random);
        return order;
    }

    // ---------------------------------------------------------------------------------------------
    // Patients

    private void buildPatient(SplittableRandom random, int number, char confidentiality, boolean minimal) {
        String id = String.format(Locale.ROOT, "dg-pat-%04d", number);
        Practice practice = pick(practices, random);
        Practitioner usualGp = pick(practice.gps(), random);
        Person person = newPerson(random);

        Patient patient = new Patient();
        patient.setId(id);
        patient.getMeta().addProfile(FhirUris.UK_CORE_PATIENT);
        patient.getMeta().addSecurity(confidentialityCoding(confidentiality));

        String nhsNumber = newNhsNumber(random);
        Identifier identifier = patient.addIdentifier().setSystem(NhsNumber.SYSTEM).setValue(nhsNumber);
        identifier.addExtension(FhirUris.EXT_NHS_NUMBER_VERIFICATION_STATUS, new CodeableConcept().addCoding(
                new Coding(FhirUris.CS_NHS_NUMBER_VERIFICATION_STATUS, "01", "Number present and verified")));
        patient.setActive(true);

        int age = (int) ChronoUnit.YEARS.between(person.birthDate(), referenceDate);
        Code marital = maritalStatus(age, random);
        HumanName official = patient.addName().setUse(HumanName.NameUse.OFFICIAL).setFamily(person.family());
        person.given().forEach(official::addGiven);
        String prefix = prefix(person.gender(), age, marital, random);
        if (prefix != null) {
            official.addPrefix(prefix);
        }
        patient.setGender(person.gender());
        patient.setBirthDateElement(new DateType(person.birthDate().toString()));
        patient.addGeneralPractitioner(reference(usualGp, displayName(usualGp.getNameFirstRep())));
        patient.addGeneralPractitioner(reference(practice.organization(), practice.organization().getName()));
        patient.setManagingOrganization(reference(practice.organization(), practice.organization().getName()));

        if (minimal) {
            minimalIds.add(id);
            patient.setText(narrative(patient, null, nhsNumber));
            patients.add(patient);
            buildEncounters(random, patient, person, practice, usualGp);
            return;
        }

        // A maiden name for some women who are or were married.
        if (person.gender() == AdministrativeGender.FEMALE && age >= 20
                && ("M".equals(marital.code()) || "W".equals(marital.code()) || "D".equals(marital.code()))
                && random.nextInt(100) < 40) {
            String maiden = otherThan(person.population().family(), person.family(), random);
            HumanName maidenName = patient.addName().setUse(HumanName.NameUse.MAIDEN).setFamily(maiden);
            person.given().forEach(maidenName::addGiven);
            maidenName.setPeriod(new Period().setEndElement(new DateTimeType(
                    person.birthDate().plusYears(20 + random.nextInt(Math.max(1, Math.min(age - 19, 20)))).toString())));
        }

        // Addresses: a current home, and for half of the patients a previous or temporary one.
        Address home = newAddress(practice.locality(), random).setUse(Address.AddressUse.HOME);
        LocalDate movedIn = randomDateBetween(maxDate(person.birthDate(), referenceDate.minusYears(25)),
                referenceDate.minusDays(30), random);
        home.setPeriod(new Period().setStartElement(new DateTimeType(movedIn.toString())));
        patient.addAddress(home);
        boolean hadEarlierHome = movedIn.isAfter(person.birthDate().plusYears(1));
        if (random.nextBoolean()) {
            Address second = newAddress(practice.locality(), random);
            if (!hadEarlierHome || (age >= 18 && age <= 24 && random.nextBoolean())) {
                second.setUse(Address.AddressUse.TEMP);
                if (age >= 18 && age <= 24) {
                    second.setText("Student accommodation");
                }
                second.setPeriod(new Period()
                        .setStartElement(new DateTimeType(referenceDate.minusMonths(3 + random.nextInt(6)).toString()))
                        .setEndElement(new DateTimeType(referenceDate.plusMonths(3 + random.nextInt(6)).toString())));
            } else {
                second.setUse(Address.AddressUse.OLD);
                LocalDate end = movedIn.minusDays(1);
                LocalDate start = randomDateBetween(maxDate(person.birthDate(), end.minusYears(15)), end, random);
                second.setPeriod(new Period().setStartElement(new DateTimeType(start.toString()))
                        .setEndElement(new DateTimeType(end.toString())));
            }
            patient.addAddress(second);
        }

        // Telecom: home landline, mobile and e-mail from reserved fictitious ranges and domains.
        patient.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE)
                .setValue(dramaNumber("01632960", random)).setUse(ContactPoint.ContactPointUse.HOME);
        patient.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE)
                .setValue(dramaNumber("07700900", random)).setUse(ContactPoint.ContactPointUse.MOBILE);
        patient.addTelecom().setSystem(ContactPoint.ContactPointSystem.EMAIL)
                .setValue(email(person.given().get(0), person.family(), random)).setUse(ContactPoint.ContactPointUse.HOME);

        patient.setMaritalStatus(new CodeableConcept().addCoding(
                new Coding(FhirUris.V3_MARITAL_STATUS, marital.code(), marital.display())));

        // Language, interpreter, and the extensions PDS and UK Core carry.
        Code language = language(person, random);
        boolean interpreter = !"en".equals(language.code()) && ("q4".equals(language.code()) || random.nextBoolean());
        Extension ethnic = new Extension(FhirUris.EXT_ETHNIC_CATEGORY, new CodeableConcept().addCoding(new Coding(
                FhirUris.CS_ETHNIC_CATEGORY_ENGLAND, person.population().ethnicity().code(),
                person.population().ethnicity().display())));
        patient.addExtension(ethnic);

        Extension communication = new Extension(FhirUris.EXT_NHS_COMMUNICATION);
        communication.addExtension("language", languageConcept(language, false));
        communication.addExtension("preferred", new BooleanType(true));
        communication.addExtension("interpreterRequired", new BooleanType(interpreter));
        patient.addExtension(communication);

        Code nationality = person.ukBorn() || random.nextInt(100) < 40 ? Populations.GB : person.abroad().nationality();
        Extension nationalityExtension = new Extension(FhirUris.EXT_NATIONALITY);
        nationalityExtension.addExtension("code", new CodeableConcept().addCoding(
                new Coding(FhirUris.ISO_3166, nationality.code(), nationality.display())));
        patient.addExtension(nationalityExtension);

        Address birthPlace = new Address();
        if (person.ukBorn()) {
            String[] place = pick(Populations.UK_BIRTH_PLACES, random);
            birthPlace.setCity(place[0]).setDistrict(place[1]).setCountry("GBR");
        } else {
            birthPlace.setCity(person.abroad().city()).setCountry(person.abroad().countryAlpha3());
        }
        patient.addExtension(FhirUris.EXT_BIRTH_PLACE, birthPlace);

        Code religion = weightedFirst(person.population().religions(), random);
        patient.addExtension(FhirUris.EXT_RELIGION, new CodeableConcept().addCoding(
                new Coding(FhirUris.V3_RELIGIOUS_AFFILIATION, religion.code(), religion.display())));

        boolean overseas = !person.ukBorn() && nationality != Populations.GB && random.nextInt(100) < 15;
        patient.addExtension(FhirUris.EXT_RESIDENTIAL_STATUS, new CodeableConcept().addCoding(overseas
                ? new Coding(FhirUris.CS_RESIDENTIAL_STATUS, "O", "Overseas Resident")
                : new Coding(FhirUris.CS_RESIDENTIAL_STATUS, "H", "UK Resident")));
        patient.addExtension(FhirUris.EXT_OVERSEAS_VISITOR_CHARGING_CATEGORY,
                new CodeableConcept().addCoding(chargingCategory(overseas, nationality, random)));
        patient.addExtension(FhirUris.EXT_INTERPRETER_REQUIRED, new BooleanType(interpreter));

        Patient.PatientCommunicationComponent spoken = patient.addCommunication();
        spoken.setLanguage(languageConcept(language, true));
        spoken.setPreferred(true);

        // Next of kin, and for some patients the same person (and sometimes another) as RelatedPerson.
        Relative kin = nextOfKin(person, age, marital, home, practice.locality(), random);
        Patient.ContactComponent contact = patient.addContact();
        contact.addRelationship().addCoding(new Coding(FhirUris.V2_CONTACT_ROLE, "N", "Next-of-Kin"))
                .addCoding(new Coding(FhirUris.V3_ROLE_CODE, kin.role().code(), kin.role().display()));
        contact.setName(kin.name().copy());
        contact.addTelecom(kin.mobile().copy());
        contact.setAddress(kin.address().copy());
        contact.setGender(kin.gender());

        patient.setText(narrative(patient, home, nhsNumber));
        patients.add(patient);

        int relatedNumber = 0;
        if (age < 16 || random.nextInt(100) < 35) {
            relatedPersons.add(relatedPerson(id, ++relatedNumber, kin, random));
        }
        if (random.nextInt(100) < 10) {
            Relative carer = unrelatedContact(practice.locality(), random);
            relatedPersons.add(relatedPerson(id, ++relatedNumber, carer, random));
        }
        buildEncounters(random, patient, person, practice, usualGp);
    }

    private Person newPerson(SplittableRandom random) {
        Population population = pickPopulation(random);
        int roll = random.nextInt(100);
        AdministrativeGender gender = roll < 49 ? AdministrativeGender.MALE
                : roll < 98 ? AdministrativeGender.FEMALE : AdministrativeGender.OTHER;
        int ageRoll = random.nextInt(100);
        int age = ageRoll < 20 ? random.nextInt(18) : ageRoll < 80 ? 18 + random.nextInt(47) : 65 + random.nextInt(31);
        LocalDate birthDate = referenceDate.minusYears(age).minusDays(1 + random.nextInt(364));
        boolean ukBorn = age < 5 || random.nextInt(100) < population.ukBornPercent();
        Place abroad = pick(population.abroad(), random);

        List<String> names = gender == AdministrativeGender.MALE ? population.maleGiven()
                : gender == AdministrativeGender.FEMALE ? population.femaleGiven()
                : random.nextBoolean() ? population.maleGiven() : population.femaleGiven();
        List<String> given = new ArrayList<>();
        given.add(pick(names, random));
        if (random.nextInt(100) < 25) {
            given.add(otherThan(names, given.get(0), random));
        }
        String middle = gender == AdministrativeGender.MALE ? population.maleMiddle()
                : gender == AdministrativeGender.FEMALE ? population.femaleMiddle() : null;
        if (middle != null) {
            given.add(middle);
        }
        return new Person(population, gender, birthDate, List.copyOf(given), pick(population.family(), random), ukBorn, abroad);
    }

    private String newNhsNumber(SplittableRandom random) {
        while (true) {
            String candidate = NhsNumber.randomSynthetic(random);
            if (usedNhsNumbers.add(candidate)) {
                return candidate;
            }
        }
    }

    private static Coding confidentialityCoding(char code) {
        return switch (code) {
            case 'V' -> new Coding(FhirUris.V3_CONFIDENTIALITY, "V", "very restricted");
            case 'R' -> new Coding(FhirUris.V3_CONFIDENTIALITY, "R", "restricted");
            default -> new Coding(FhirUris.V3_CONFIDENTIALITY, "N", "normal");
        };
    }

    private static Code maritalStatus(int age, SplittableRandom random) {
        if (age < 18) {
            return new Code("S", "Never Married");
        }
        int roll = random.nextInt(100);
        if (age >= 65 && roll < 25) {
            return new Code("W", "Widowed");
        }
        if (roll < 45) {
            return new Code("M", "Married");
        }
        if (roll < 75) {
            return new Code("S", "Never Married");
        }
        if (roll < 87) {
            return new Code("D", "Divorced");
        }
        if (roll < 93) {
            return new Code("T", "Domestic partner");
        }
        if (roll < 97) {
            return new Code("L", "Legally Separated");
        }
        return new Code("W", "Widowed");
    }

    private static String prefix(AdministrativeGender gender, int age, Code marital, SplittableRandom random) {
        if (age < 18) {
            return null;
        }
        if (random.nextInt(100) < 4) {
            return "Dr";
        }
        return switch (gender) {
            case MALE -> "Mr";
            case FEMALE -> "S".equals(marital.code()) ? (random.nextBoolean() ? "Miss" : "Ms")
                    : (random.nextInt(100) < 70 ? "Mrs" : "Ms");
            default -> "Mx";
        };
    }

    private Code language(Person person, SplittableRandom random) {
        if (random.nextInt(100) < 2) {
            return Populations.BSL;
        }
        if (person.ukBorn()) {
            return Populations.ENGLISH;
        }
        return weightedFirst(person.population().languages(), random);
    }

    private static CodeableConcept languageConcept(Code language, boolean withBcp47) {
        CodeableConcept concept = new CodeableConcept()
                .addCoding(new Coding(FhirUris.CS_HUMAN_LANGUAGE, language.code(), language.display()));
        if (withBcp47) {
            String tag = "q4".equals(language.code()) ? "bfi" : language.code();
            concept.addCoding(new Coding(FhirUris.BCP_47, tag, language.display()));
        }
        return concept.setText(language.display());
    }

    private static Coding chargingCategory(boolean overseas, Code nationality, SplittableRandom random) {
        String system = FhirUris.CS_OVERSEAS_VISITOR_CHARGING_CATEGORY;
        if (overseas) {
            return switch (random.nextInt(4)) {
                case 0 -> new Coding(system, "C", "Charge-exempt Overseas Visitor (European Economic Area)");
                case 1 -> new Coding(system, "E", "Charge-exempt Overseas Visitor (non-European Economic Area)");
                case 2 -> new Coding(system, "F", "Chargeable non-European Economic Area patient");
                default -> new Coding(system, "P", "Decision Pending on Overseas Visitor Charging Category");
            };
        }
        if (nationality != Populations.GB && nationality != Populations.IE && random.nextInt(100) < 30) {
            return new Coding(system, "B", "Immigration Health Surcharge payee");
        }
        return new Coding(system, "A", "Standard NHS-funded patient");
    }

    // ---------------------------------------------------------------------------------------------
    // Relatives

    /** A relative or contact of a patient, shared by Patient.contact and RelatedPerson. */
    private record Relative(Code role, HumanName name, AdministrativeGender gender, ContactPoint mobile,
            ContactPoint email, Address address) {
    }

    private Relative nextOfKin(Person person, int age, Code marital, Address home, Locality locality,
            SplittableRandom random) {
        Population population = person.population();
        boolean female = random.nextBoolean();
        Code role;
        String family = person.family();
        Address address = home.copy();
        if (age < 16) {
            role = female ? new Code("MTH", "mother") : new Code("FTH", "father");
        } else if ("M".equals(marital.code()) || "T".equals(marital.code())) {
            role = "M".equals(marital.code()) ? new Code("SPS", "spouse") : new Code("DOMPART", "domestic partner");
            female = person.gender() != AdministrativeGender.FEMALE ? random.nextInt(100) < 90 : random.nextInt(100) < 10;
            if ("T".equals(marital.code())) {
                family = pick(population.family(), random);
            }
        } else if (age >= 60) {
            role = female ? new Code("DAUC", "daughter") : new Code("SONC", "son");
            address = newAddress(locality, random).setUse(Address.AddressUse.HOME);
        } else {
            int roll = random.nextInt(3);
            if (roll == 0) {
                role = new Code("FRND", "unrelated friend");
                family = pick(population.family(), random);
            } else {
                role = female ? new Code("SIS", "sister") : new Code("BRO", "brother");
            }
            address = newAddress(locality, random).setUse(Address.AddressUse.HOME);
        }
        AdministrativeGender gender = female ? AdministrativeGender.FEMALE : AdministrativeGender.MALE;
        HumanName name = new HumanName().setUse(HumanName.NameUse.OFFICIAL).setFamily(family)
                .addGiven(pick(female ? population.femaleGiven() : population.maleGiven(), random));
        String middle = female ? population.femaleMiddle() : population.maleMiddle();
        if (middle != null) {
            name.addGiven(middle);
        }
        ContactPoint mobile = new ContactPoint().setSystem(ContactPoint.ContactPointSystem.PHONE)
                .setValue(dramaNumber("07700900", random)).setUse(ContactPoint.ContactPointUse.MOBILE);
        ContactPoint email = new ContactPoint().setSystem(ContactPoint.ContactPointSystem.EMAIL)
                .setValue(email(name.getGiven().get(0).getValue(), family, random)).setUse(ContactPoint.ContactPointUse.HOME);
        return new Relative(role, name, gender, mobile, email, address);
    }

    private Relative unrelatedContact(Locality locality, SplittableRandom random) {
        Population population = pickPopulation(random);
        boolean female = random.nextBoolean();
        String family = pick(population.family(), random);
        HumanName name = new HumanName().setUse(HumanName.NameUse.OFFICIAL).setFamily(family)
                .addGiven(pick(female ? population.femaleGiven() : population.maleGiven(), random));
        ContactPoint mobile = new ContactPoint().setSystem(ContactPoint.ContactPointSystem.PHONE)
                .setValue(dramaNumber("07700900", random)).setUse(ContactPoint.ContactPointUse.MOBILE);
        ContactPoint email = new ContactPoint().setSystem(ContactPoint.ContactPointSystem.EMAIL)
                .setValue(email(name.getGiven().get(0).getValue(), family, random)).setUse(ContactPoint.ContactPointUse.HOME);
        return new Relative(new Code("NBOR", "neighbor"), name,
                female ? AdministrativeGender.FEMALE : AdministrativeGender.MALE, mobile, email,
                newAddress(locality, random).setUse(Address.AddressUse.HOME));
    }

    private RelatedPerson relatedPerson(String patientId, int number, Relative relative, SplittableRandom random) {
        RelatedPerson person = new RelatedPerson();
        person.setId("dg-rp-" + patientId.substring("dg-pat-".length()) + "-" + number);
        person.getMeta().addProfile(FhirUris.UK_CORE_RELATED_PERSON);
        person.setActive(true);
        person.setPatient(new Reference("Patient/" + patientId));
        person.addRelationship().addCoding(new Coding(FhirUris.V3_ROLE_CODE, relative.role().code(), relative.role().display()));
        person.addName(relative.name().copy());
        person.setGender(relative.gender());
        person.addTelecom(relative.mobile().copy());
        person.addTelecom(relative.email().copy());
        person.addAddress(relative.address().copy());
        person.setPeriod(new Period().setStartElement(new DateTimeType(
                referenceDate.minusYears(1 + random.nextInt(10)).minusDays(random.nextInt(365)).toString())));
        return person;
    }

    // ---------------------------------------------------------------------------------------------
    // Encounters

    private void buildEncounters(SplittableRandom random, Patient patient, Person person, Practice practice,
            Practitioner usualGp) {
        int count = 1 + random.nextInt(3);
        long ageDays = ChronoUnit.DAYS.between(person.birthDate(), referenceDate);
        List<LocalDateTime> starts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            LocalDate day = referenceDate.minusDays(1 + random.nextInt((int) Math.max(1, Math.min(730, ageDays - 1))));
            if (day.getDayOfWeek() == DayOfWeek.SATURDAY) {
                day = day.minusDays(1);
            } else if (day.getDayOfWeek() == DayOfWeek.SUNDAY) {
                day = day.minusDays(2);
            }
            if (day.isBefore(person.birthDate())) {
                day = person.birthDate();
            }
            starts.add(day.atTime(8, 0).plusMinutes(10L * random.nextInt(56)));
        }
        starts.sort(null);
        String patientNumber = patient.getIdElement().getIdPart().substring("dg-pat-".length());
        for (int i = 0; i < count; i++) {
            Practitioner gp = random.nextInt(100) < 70 ? usualGp : pick(practice.gps(), random);
            LocalDateTime start = starts.get(i);
            LocalDateTime end = start.plusMinutes(random.nextBoolean() ? 10 : 15);
            Encounter encounter = new Encounter();
            encounter.setId("dg-enc-" + patientNumber + "-" + (i + 1));
            encounter.getMeta().addProfile(FhirUris.UK_CORE_ENCOUNTER);
            encounter.setStatus(Encounter.EncounterStatus.FINISHED);
            encounter.setClass_(new Coding(FhirUris.V3_ACT_CODE, "AMB", "ambulatory"));
            encounter.addType().addCoding(new Coding(FhirUris.SNOMED_CT, "11429006", "Consultation"))
                    .setText("GP consultation");
            encounter.setSubject(reference(patient, displayName(patient.getNameFirstRep())));
            Period period = new Period().setStartElement(new DateTimeType(london(start)))
                    .setEndElement(new DateTimeType(london(end)));
            encounter.addParticipant()
                    .addType(new CodeableConcept().addCoding(
                            new Coding(FhirUris.V3_PARTICIPATION_TYPE, "PPRF", "primary performer")))
                    .setIndividual(reference(gp, displayName(gp.getNameFirstRep())))
                    .setPeriod(period.copy());
            encounter.setPeriod(period);
            encounter.setServiceProvider(reference(practice.organization(), practice.organization().getName()));
            encounters.add(encounter);
        }
    }

    private static String london(LocalDateTime time) {
        return time.atZone(LONDON).toOffsetDateTime().format(FHIR_DATE_TIME);
    }

    // ---------------------------------------------------------------------------------------------
    // Addresses, phones, e-mail, narrative

    private Address newAddress(Locality locality, SplittableRandom random) {
        District district = pick(locality.districts(), random);
        Address address = new Address().setType(Address.AddressType.BOTH);
        if (random.nextInt(100) < 15) {
            address.addLine("Flat " + (1 + random.nextInt(24)));
        }
        address.addLine((1 + random.nextInt(220)) + " " + pick(Populations.STREETS, random))
                .addLine(district.locality())
                .setCity(locality.town())
                .setDistrict(locality.county())
                .setPostalCode(postcode(district, random))
                .setCountry("GB");
        return address;
    }

    private static String postcode(District district, SplittableRandom random) {
        String letters = Populations.INWARD_LETTERS;
        return district.outwardCode() + " " + (1 + random.nextInt(9))
                + letters.charAt(random.nextInt(letters.length())) + letters.charAt(random.nextInt(letters.length()));
    }

    /** A number in an Ofcom drama range: the stem followed by three random digits, after a 0 when needed. */
    private static String dramaNumber(String stem, SplittableRandom random) {
        String suffix = String.format(Locale.ROOT, "%03d", random.nextInt(1000));
        return stem.length() == 8 ? stem + suffix : stem + "0" + suffix;
    }

    private static String email(String given, String family, SplittableRandom random) {
        String domain = random.nextBoolean() ? "example.com" : "example.org";
        String local = asciiLocalPart(given) + "." + asciiLocalPart(family);
        if (random.nextInt(100) < 40) {
            local += random.nextInt(100);
        }
        return local + "@" + domain;
    }

    /** Lower-case ASCII letters only: diacritics dropped, dotless i and barred l folded, spaces and marks removed. */
    static String asciiLocalPart(String name) {
        String folded = Normalizer.normalize(name.replace('ı', 'i').replace('ł', 'l').replace('Ł', 'L'),
                Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        return folded.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
    }

    private static Narrative narrative(Patient patient, Address home, String nhsNumber) {
        StringBuilder div = new StringBuilder("<div xmlns=\"http://www.w3.org/1999/xhtml\">");
        div.append("<p><b>").append(escape(narrativeName(patient.getNameFirstRep()))).append("</b> ")
                .append(escape(patient.getGender().getDisplay())).append(", DoB: ")
                .append(escape(patient.getBirthDateElement().getValueAsString())).append("</p>");
        div.append("<table class=\"hapiPropertyTable\"><tbody>");
        div.append("<tr><td>NHS number</td><td>").append(escape(NhsNumber.format(nhsNumber))).append("</td></tr>");
        if (home != null) {
            List<String> parts = new ArrayList<>();
            home.getLine().forEach(line -> parts.add(line.getValue()));
            parts.add(home.getCity());
            parts.add(home.getPostalCode());
            div.append("<tr><td>Address</td><td>").append(escape(String.join(", ", parts))).append("</td></tr>");
        }
        for (ContactPoint telecom : patient.getTelecom()) {
            div.append("<tr><td>").append(telecom.getSystem() == ContactPoint.ContactPointSystem.EMAIL ? "E-mail" : "Telephone")
                    .append(" (").append(escape(telecom.getUse().toCode())).append(")</td><td>")
                    .append(escape(telecom.getValue())).append("</td></tr>");
        }
        div.append("</tbody></table></div>");
        Narrative narrative = new Narrative();
        narrative.setStatus(Narrative.NarrativeStatus.GENERATED);
        narrative.setDivAsString(div.toString());
        return narrative;
    }

    /** Name as HAPI's narrative generator shows it: prefixes and given names, then the family name in capitals. */
    private static String narrativeName(HumanName name) {
        List<String> parts = new ArrayList<>();
        name.getPrefix().forEach(p -> parts.add(p.getValue()));
        name.getGiven().forEach(g -> parts.add(g.getValue()));
        parts.add(name.getFamily().toUpperCase(Locale.ROOT));
        return String.join(" ", parts);
    }

    static String displayName(HumanName name) {
        List<String> parts = new ArrayList<>();
        name.getPrefix().forEach(p -> parts.add(p.getValue()));
        name.getGiven().forEach(g -> parts.add(g.getValue()));
        parts.add(name.getFamily());
        return String.join(" ", parts);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    // ---------------------------------------------------------------------------------------------
    // Random helpers

    private Population pickPopulation(SplittableRandom random) {
        int total = Populations.POPULATIONS.stream().mapToInt(Population::weight).sum();
        int roll = random.nextInt(total);
        for (Population population : Populations.POPULATIONS) {
            roll -= population.weight();
            if (roll < 0) {
                return population;
            }
        }
        throw new IllegalStateException("unreachable: weights sum to " + total);
    }

    /** The first value six times in ten, otherwise any value (the first included). */
    private static <T> T weightedFirst(List<T> values, SplittableRandom random) {
        return random.nextInt(10) < 6 ? values.get(0) : pick(values, random);
    }

    private static <T> T pick(List<T> values, SplittableRandom random) {
        return values.get(random.nextInt(values.size()));
    }

    private static String otherThan(List<String> values, String excluded, SplittableRandom random) {
        List<String> others = values.stream().filter(v -> !v.equals(excluded)).collect(Collectors.toList());
        return others.isEmpty() ? excluded : pick(others, random);
    }

    private static <T> void shuffle(List<T> values, SplittableRandom random) {
        for (int i = values.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            T swap = values.get(i);
            values.set(i, values.get(j));
            values.set(j, swap);
        }
    }

    private static LocalDate randomDateBetween(LocalDate from, LocalDate to, SplittableRandom random) {
        long days = ChronoUnit.DAYS.between(from, to);
        return days <= 0 ? from : from.plusDays(random.nextLong(days + 1));
    }

    private static LocalDate maxDate(LocalDate a, LocalDate b) {
        return a.isAfter(b) ? a : b;
    }

    private static Reference reference(org.hl7.fhir.r4.model.Resource target, String display) {
        return new Reference(target.fhirType() + "/" + target.getIdElement().getIdPart()).setDisplay(display);
    }
}
