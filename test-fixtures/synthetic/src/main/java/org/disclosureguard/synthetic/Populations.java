package org.disclosureguard.synthetic;

import java.util.List;

/**
 * The reference data the generator draws from: population groups (ethnic category with matching names,
 * languages, religions and places of birth), practice localities (town, postcode districts, drama
 * telephone range), streets and UK places of birth.
 *
 * <p>Weights favour variety over census accuracy, so that even 50 patients cover many backgrounds,
 * scripts and naming patterns (apostrophes, hyphens, diacritics, two given names, patronymic middle
 * names). Immutable; thread-safe.
 */
final class Populations {

    /** A coded value with its display text. */
    record Code(String code, String display) {
    }

    /** A place of birth abroad: city, ISO 3166 alpha-3 country for the address, and the nationality. */
    record Place(String city, String countryAlpha3, Code nationality) {
    }

    /**
     * A population group.
     *
     * @param ethnicity UK Core ethnic category for England
     * @param weight relative frequency
     * @param maleGiven male given names
     * @param femaleGiven female given names
     * @param family family names
     * @param maleMiddle a middle name every man of the group carries (e.g. Singh), or null
     * @param femaleMiddle a middle name every woman of the group carries (e.g. Kaur), or null
     * @param languages languages of people born abroad, most frequent first
     * @param religions religions, most frequent first
     * @param abroad places of birth abroad
     * @param ukBornPercent share of people born in the UK, 0 to 100
     */
    record Population(
            Code ethnicity,
            int weight,
            List<String> maleGiven,
            List<String> femaleGiven,
            List<String> family,
            String maleMiddle,
            String femaleMiddle,
            List<Code> languages,
            List<Code> religions,
            List<Place> abroad,
            int ukBornPercent) {
    }

    /** A postcode district inside a practice's town. */
    record District(String outwardCode, String locality) {
    }

    /** A practice locality. */
    record Locality(
            String practiceName,
            String town,
            String county,
            String phoneStem,
            String emailDomain,
            List<District> districts) {
    }

    // Countries (nationality codes).
    static final Code GB = new Code("GB", "United Kingdom of Great Britain and Northern Ireland");
    static final Code IE = new Code("IE", "Ireland");
    static final Code PL = new Code("PL", "Poland");
    static final Code RO = new Code("RO", "Romania");
    static final Code PT = new Code("PT", "Portugal");
    static final Code IT = new Code("IT", "Italy");
    static final Code IN = new Code("IN", "India");
    static final Code PK = new Code("PK", "Pakistan");
    static final Code BD = new Code("BD", "Bangladesh");
    static final Code LK = new Code("LK", "Sri Lanka");
    static final Code PH = new Code("PH", "Philippines");
    static final Code JM = new Code("JM", "Jamaica");
    static final Code NG = new Code("NG", "Nigeria");
    static final Code GH = new Code("GH", "Ghana");
    static final Code SO = new Code("SO", "Somalia");
    static final Code ER = new Code("ER", "Eritrea");
    static final Code CN = new Code("CN", "China");
    static final Code HK = new Code("HK", "Hong Kong");
    static final Code SY = new Code("SY", "Syrian Arab Republic");
    static final Code IQ = new Code("IQ", "Iraq");
    static final Code IR = new Code("IR", "Iran (Islamic Republic of)");
    static final Code TR = new Code("TR", "Türkiye");

    // Languages (UK Core human language codes, which are also BCP 47 primary tags except q4).
    static final Code ENGLISH = new Code("en", "English");
    static final Code BSL = new Code("q4", "British Sign Language");
    static final Code POLISH = new Code("pl", "Polish");
    static final Code ROMANIAN = new Code("ro", "Romanian");
    static final Code PORTUGUESE = new Code("pt", "Portuguese");
    static final Code ITALIAN = new Code("it", "Italian");
    static final Code GUJARATI = new Code("gu", "Gujarati");
    static final Code PUNJABI = new Code("pa", "Panjabi; Punjabi");
    static final Code HINDI = new Code("hi", "Hindi");
    static final Code URDU = new Code("ur", "Urdu");
    static final Code BENGALI = new Code("bn", "Bengali");
    static final Code TAMIL = new Code("ta", "Tamil");
    static final Code YORUBA = new Code("yo", "Yoruba");
    static final Code IGBO = new Code("ig", "Igbo");
    static final Code TWI = new Code("tw", "Twi");
    static final Code SOMALI = new Code("so", "Somali");
    static final Code TIGRINYA = new Code("ti", "Tigrinya");
    static final Code CHINESE = new Code("zh", "Chinese");
    static final Code ARABIC = new Code("ar", "Arabic");
    static final Code PERSIAN = new Code("fa", "Persian");
    static final Code KURDISH = new Code("ku", "Kurdish");
    static final Code TURKISH = new Code("tr", "Turkish");

    // Religions (HL7 v3 ReligiousAffiliation).
    static final Code ANGLICAN = new Code("1005", "Anglican");
    static final Code ATHEISM = new Code("1007", "Atheism");
    static final Code AGNOSTICISM = new Code("1004", "Agnosticism");
    static final Code CHRISTIAN = new Code("1013", "Christian (non-Catholic, non-specific)");
    static final Code HINDUISM = new Code("1020", "Hinduism");
    static final Code ISLAM = new Code("1023", "Islam");
    static final Code JUDAISM = new Code("1026", "Judaism");
    static final Code ROMAN_CATHOLIC = new Code("1041", "Roman Catholic Church");
    static final Code SIKHISM = new Code("1047", "Sikism");
    static final Code SUNNI = new Code("1049", "Sunni (Islam)");
    static final Code THERAVADA = new Code("1051", "Theravada");
    static final Code EASTERN_ORTHODOX = new Code("1068", "Eastern Orthodox");
    static final Code METHODIST = new Code("1073", "Methodist");
    static final Code PENTECOSTAL = new Code("1038", "Pentecostal");

    private static final List<String> BRITISH_MALE = List.of(
            "Oliver", "George", "Harry", "Jack", "Thomas", "James", "William", "Daniel", "Matthew", "Samuel",
            "Joseph", "Alfie", "Callum", "Rhys", "Ewan", "Gareth", "Stuart", "Graham", "Kevin", "Leon");
    private static final List<String> BRITISH_FEMALE = List.of(
            "Olivia", "Amelia", "Emily", "Sophie", "Charlotte", "Jessica", "Hannah", "Lucy", "Chloe", "Megan",
            "Eleanor", "Bethan", "Isla", "Gemma", "Joanne", "Sharon", "Margaret", "Kirsty", "Zoe", "Ruby");
    private static final List<String> BRITISH_FAMILY = List.of(
            "Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Thompson", "Walker", "Wright", "Robinson",
            "Hughes", "Clarke", "Hall", "Lewis", "Green", "Wood", "Harrison", "Jackson", "Marshall", "Ashworth",
            "Fairbairn", "Sutcliffe", "Greenwood", "Pickersgill", "MacDonald", "Llewellyn");
    private static final List<Code> BRITISH_RELIGIONS =
            List.of(ANGLICAN, ATHEISM, CHRISTIAN, ROMAN_CATHOLIC, METHODIST, AGNOSTICISM, JUDAISM);

    static final List<Population> POPULATIONS = List.of(
            new Population(new Code("A", "White - British"), 34,
                    BRITISH_MALE, BRITISH_FEMALE, BRITISH_FAMILY, null, null,
                    List.of(ENGLISH), BRITISH_RELIGIONS,
                    List.of(new Place("Gibraltar", "GIB", GB)), 97),
            new Population(new Code("B", "White - Irish"), 4,
                    List.of("Seán", "Ciarán", "Patrick", "Declan", "Eoin", "Niall"),
                    List.of("Siobhán", "Aoife", "Niamh", "Róisín", "Orla", "Bríd"),
                    List.of("O'Brien", "O'Sullivan", "Murphy", "Kelly", "Byrne", "Ryan", "McCarthy",
                            "Ó Súilleabháin"),
                    null, null,
                    List.of(ENGLISH), List.of(ROMAN_CATHOLIC, ATHEISM),
                    List.of(new Place("Dublin", "IRL", IE), new Place("Cork", "IRL", IE),
                            new Place("Galway", "IRL", IE)), 35),
            new Population(new Code("C", "White - Any other White background"), 4,
                    List.of("Jakub", "Piotr", "Tomasz", "Kacper", "Paweł"),
                    List.of("Agnieszka", "Zofia", "Katarzyna", "Małgorzata", "Joanna"),
                    List.of("Nowak", "Wójcik", "Kowalczyk", "Mazur", "Krawczyk", "Zając"),
                    null, null,
                    List.of(POLISH, ENGLISH), List.of(ROMAN_CATHOLIC, ATHEISM),
                    List.of(new Place("Kraków", "POL", PL), new Place("Gdańsk", "POL", PL),
                            new Place("Wrocław", "POL", PL)), 25),
            new Population(new Code("C", "White - Any other White background"), 3,
                    List.of("Andrei", "Mihai", "Ionuț", "Cristian", "Florin"),
                    List.of("Ioana", "Elena", "Andreea", "Mădălina", "Cristina"),
                    List.of("Popescu", "Ionescu", "Dumitru", "Stan", "Constantinescu"),
                    null, null,
                    List.of(ROMANIAN, ENGLISH), List.of(EASTERN_ORTHODOX, ROMAN_CATHOLIC),
                    List.of(new Place("București", "ROU", RO), new Place("Cluj-Napoca", "ROU", RO),
                            new Place("Iași", "ROU", RO)), 15),
            new Population(new Code("C", "White - Any other White background"), 2,
                    List.of("João", "Tiago", "Rui", "Gonçalo"),
                    List.of("Inês", "Beatriz", "Ana", "Conceição"),
                    List.of("Silva", "Ferreira", "Pereira", "Gonçalves", "Sousa"),
                    null, null,
                    List.of(PORTUGUESE, ENGLISH), List.of(ROMAN_CATHOLIC, ATHEISM),
                    List.of(new Place("Lisboa", "PRT", PT), new Place("Porto", "PRT", PT),
                            new Place("Funchal", "PRT", PT)), 30),
            new Population(new Code("C", "White - Any other White background"), 1,
                    List.of("Marco", "Luca", "Giuseppe", "Niccolò"),
                    List.of("Giulia", "Francesca", "Chiara", "Lucrezia"),
                    List.of("Rossi", "Esposito", "Romano", "Ricci", "De Luca"),
                    null, null,
                    List.of(ITALIAN, ENGLISH), List.of(ROMAN_CATHOLIC, ATHEISM),
                    List.of(new Place("Napoli", "ITA", IT), new Place("Milano", "ITA", IT)), 40),
            new Population(new Code("D", "Mixed - White and Black Caribbean"), 2,
                    BRITISH_MALE, BRITISH_FEMALE,
                    List.of("Campbell", "Grant", "Francis", "Taylor-Campbell", "Wright-Francis"),
                    null, null,
                    List.of(ENGLISH), List.of(CHRISTIAN, ATHEISM, PENTECOSTAL),
                    List.of(new Place("Kingston", "JAM", JM)), 95),
            new Population(new Code("E", "Mixed - White and Black African"), 2,
                    List.of("Daniel", "Samuel", "Joshua", "Kwame", "Tobi"),
                    List.of("Grace", "Abigail", "Ama", "Esther", "Hannah"),
                    List.of("Mensah", "Okafor", "Hughes-Mensah", "Osei-Walker", "Adeyemi"),
                    null, null,
                    List.of(ENGLISH), List.of(CHRISTIAN, PENTECOSTAL, ATHEISM),
                    List.of(new Place("Accra", "GHA", GH)), 90),
            new Population(new Code("F", "Mixed - White and Asian"), 2,
                    List.of("Aaron", "Zain", "Ravi", "Adam", "Kai"),
                    List.of("Leila", "Maya", "Anjali", "Sophia", "Yasmin"),
                    List.of("Khan-Walker", "Sharma", "Patel-Hughes", "Chowdhury", "Ali"),
                    null, null,
                    List.of(ENGLISH), List.of(ATHEISM, ISLAM, HINDUISM, CHRISTIAN),
                    List.of(new Place("Mumbai", "IND", IN)), 95),
            new Population(new Code("G", "Mixed - Any other mixed background"), 2,
                    List.of("Noah", "Elijah", "Luca", "Idris"),
                    List.of("Mia", "Amara", "Layla", "Naomi"),
                    List.of("Santos-Brown", "Haddad", "Okonkwo-Smith", "Wong"),
                    null, null,
                    List.of(ENGLISH), List.of(ATHEISM, CHRISTIAN, ISLAM),
                    List.of(new Place("Lisboa", "PRT", PT)), 95),
            new Population(new Code("H", "Asian or Asian British - Indian"), 4,
                    List.of("Rajesh", "Nikhil", "Arjun", "Vikram", "Sanjay", "Hitesh"),
                    List.of("Priya", "Hema", "Nisha", "Kavita", "Bhavna", "Ananya"),
                    List.of("Patel", "Mistry", "Shah", "Parmar", "Lad", "Chauhan"),
                    null, null,
                    List.of(GUJARATI, HINDI, ENGLISH), List.of(HINDUISM, ATHEISM),
                    List.of(new Place("Ahmedabad", "IND", IN), new Place("Vadodara", "IND", IN),
                            new Place("Nairobi", "KEN", GB)), 55),
            new Population(new Code("H", "Asian or Asian British - Indian"), 3,
                    List.of("Harjit", "Gurpreet", "Jaswinder", "Manpreet", "Sukhdev"),
                    List.of("Harpreet", "Manjit", "Simran", "Navjot", "Jaspal"),
                    List.of("Sandhu", "Gill", "Dhillon", "Bains", "Sidhu", "Johal"),
                    "Singh", "Kaur",
                    List.of(PUNJABI, ENGLISH), List.of(SIKHISM),
                    List.of(new Place("Amritsar", "IND", IN), new Place("Jalandhar", "IND", IN)), 55),
            new Population(new Code("J", "Asian or Asian British - Pakistani"), 6,
                    List.of("Muhammad", "Imran", "Bilal", "Adeel", "Hamza", "Zubair"),
                    List.of("Ayesha", "Fatima", "Zainab", "Maryam", "Saima", "Nazia"),
                    List.of("Khan", "Hussain", "Akhtar", "Iqbal", "Mahmood", "Butt", "Qureshi"),
                    null, null,
                    List.of(URDU, PUNJABI, ENGLISH), List.of(ISLAM, SUNNI),
                    List.of(new Place("Mirpur", "PAK", PK), new Place("Lahore", "PAK", PK),
                            new Place("Rawalpindi", "PAK", PK)), 55),
            new Population(new Code("K", "Asian or Asian British - Bangladeshi"), 4,
                    List.of("Abdul", "Rahim", "Sohel", "Jamal", "Tariq"),
                    List.of("Nusrat", "Farzana", "Shirin", "Rukhsana", "Taslima"),
                    List.of("Rahman", "Miah", "Uddin", "Chowdhury", "Ahmed", "Hoque"),
                    null, null,
                    List.of(BENGALI, ENGLISH), List.of(ISLAM, SUNNI),
                    List.of(new Place("Sylhet", "BGD", BD), new Place("Dhaka", "BGD", BD)), 50),
            new Population(new Code("L", "Asian or Asian British - Any other Asian background"), 2,
                    List.of("Suresh", "Rajan", "Tharshan", "Kajan"),
                    List.of("Lakshmi", "Tharani", "Kavitha", "Thuvaraka"),
                    List.of("Sivakumar", "Rajaratnam", "Nadarajah", "Thirunavukkarasu"),
                    null, null,
                    List.of(TAMIL, ENGLISH), List.of(HINDUISM, ROMAN_CATHOLIC),
                    List.of(new Place("Jaffna", "LKA", LK), new Place("Colombo", "LKA", LK)), 35),
            new Population(new Code("L", "Asian or Asian British - Any other Asian background"), 1,
                    List.of("Jose", "Mark", "Rommel", "Paolo"),
                    List.of("Maria", "Grace", "Maricel", "Joy"),
                    List.of("Reyes", "Bautista", "dela Cruz", "Santos", "Mendoza"),
                    null, null,
                    List.of(ENGLISH), List.of(ROMAN_CATHOLIC, CHRISTIAN),
                    List.of(new Place("Manila", "PHL", PH), new Place("Cebu City", "PHL", PH)), 30),
            new Population(new Code("M", "Black or Black British - Caribbean"), 4,
                    List.of("Marcus", "Delroy", "Andre", "Winston", "Tyrone", "Desmond"),
                    List.of("Shanice", "Marcia", "Jasmine", "Beverley", "Claudette", "Simone"),
                    List.of("Campbell", "Grant", "Brown", "Francis", "Thomas", "Williams", "McKenzie"),
                    null, null,
                    List.of(ENGLISH), List.of(PENTECOSTAL, METHODIST, CHRISTIAN, ANGLICAN),
                    List.of(new Place("Kingston", "JAM", JM), new Place("Montego Bay", "JAM", JM)), 75),
            new Population(new Code("N", "Black or Black British - African"), 3,
                    List.of("Chinedu", "Oluwaseun", "Emeka", "Tunde", "Ikechukwu"),
                    List.of("Adaeze", "Folake", "Ngozi", "Chiamaka", "Oluwatoyin"),
                    List.of("Okafor", "Adeyemi", "Okonkwo", "Balogun", "Eze", "Oyelaran-Adebayo"),
                    null, null,
                    List.of(YORUBA, IGBO, ENGLISH), List.of(PENTECOSTAL, ROMAN_CATHOLIC, CHRISTIAN, ISLAM),
                    List.of(new Place("Lagos", "NGA", NG), new Place("Enugu", "NGA", NG),
                            new Place("Ibadan", "NGA", NG)), 40),
            new Population(new Code("N", "Black or Black British - African"), 2,
                    List.of("Kwame", "Kofi", "Kwabena", "Yaw"),
                    List.of("Ama", "Akosua", "Abena", "Efua"),
                    List.of("Mensah", "Osei", "Boateng", "Asante", "Owusu"),
                    null, null,
                    List.of(TWI, ENGLISH), List.of(PENTECOSTAL, METHODIST, CHRISTIAN),
                    List.of(new Place("Accra", "GHA", GH), new Place("Kumasi", "GHA", GH)), 40),
            new Population(new Code("N", "Black or Black British - African"), 2,
                    List.of("Abdi", "Mohamed", "Hassan", "Abdirahman"),
                    List.of("Hodan", "Fadumo", "Amina", "Sahra"),
                    List.of("Abdullahi", "Farah", "Warsame", "Hassan", "Jama"),
                    null, null,
                    List.of(SOMALI, ENGLISH), List.of(SUNNI, ISLAM),
                    List.of(new Place("Mogadishu", "SOM", SO), new Place("Hargeisa", "SOM", SO)), 30),
            new Population(new Code("N", "Black or Black British - African"), 1,
                    List.of("Tesfay", "Yonas", "Dawit", "Samuel"),
                    List.of("Selam", "Helen", "Senait", "Ruth"),
                    List.of("Tesfamariam", "Ghebremedhin", "Haile", "Berhane"),
                    null, null,
                    List.of(TIGRINYA, ENGLISH), List.of(EASTERN_ORTHODOX, ROMAN_CATHOLIC),
                    List.of(new Place("Asmara", "ERI", ER), new Place("Keren", "ERI", ER)), 25),
            new Population(new Code("P", "Black or Black British - Any other Black background"), 1,
                    List.of("Jerome", "Nathaniel", "Malachi"),
                    List.of("Tiana", "Kezia", "Imani"),
                    List.of("Joseph", "Charles", "Baptiste"),
                    null, null,
                    List.of(ENGLISH), List.of(CHRISTIAN, PENTECOSTAL, ATHEISM),
                    List.of(new Place("Port of Spain", "TTO", GB)), 85),
            new Population(new Code("R", "Other Ethnic Groups - Chinese"), 3,
                    List.of("Wei", "Jun", "Hao", "Ka Wai", "Chun"),
                    List.of("Mei", "Xiuying", "Li Na", "Wing Yan", "Hui"),
                    List.of("Chen", "Wang", "Zhang", "Wong", "Chan", "Cheung", "Lee"),
                    null, null,
                    List.of(CHINESE, ENGLISH), List.of(ATHEISM, CHRISTIAN, THERAVADA),
                    List.of(new Place("Hong Kong", "HKG", HK), new Place("Guangzhou", "CHN", CN),
                            new Place("Shanghai", "CHN", CN)), 40),
            new Population(new Code("S", "Other Ethnic Groups - Any other ethnic group"), 2,
                    List.of("Omar", "Ahmed", "Yusuf", "Khalid", "Samir"),
                    List.of("Layla", "Nour", "Rania", "Huda", "Yasmin"),
                    List.of("Haddad", "Al-Sayed", "Mansour", "Hamdan", "Al-Khatib"),
                    null, null,
                    List.of(ARABIC, ENGLISH), List.of(ISLAM, SUNNI, CHRISTIAN),
                    List.of(new Place("Damascus", "SYR", SY), new Place("Baghdad", "IRQ", IQ),
                            new Place("Aleppo", "SYR", SY)), 20),
            new Population(new Code("S", "Other Ethnic Groups - Any other ethnic group"), 2,
                    List.of("Dara", "Aram", "Reza", "Mehmet", "Emre"),
                    List.of("Roya", "Parisa", "Shirin", "Ayşe", "Elif"),
                    List.of("Ahmadi", "Karimi", "Rahimi", "Hosseini", "Yılmaz", "Şahin"),
                    null, null,
                    List.of(PERSIAN, KURDISH, TURKISH, ENGLISH), List.of(ISLAM, ATHEISM),
                    List.of(new Place("Tehran", "IRN", IR), new Place("Erbil", "IRQ", IQ),
                            new Place("İstanbul", "TUR", TR)), 20),
            new Population(new Code("Z", "Not stated"), 2,
                    BRITISH_MALE, BRITISH_FEMALE, BRITISH_FAMILY, null, null,
                    List.of(ENGLISH), List.of(ATHEISM, AGNOSTICISM, CHRISTIAN),
                    List.of(new Place("Gibraltar", "GIB", GB)), 90));

    /** Places of birth in the United Kingdom: city and district, as in PDS birthPlace addresses. */
    static final List<String[]> UK_BIRTH_PLACES = List.of(
            new String[] {"Leeds", "West Yorkshire"},
            new String[] {"Bradford", "West Yorkshire"},
            new String[] {"Manchester", "Greater Manchester"},
            new String[] {"Birmingham", "West Midlands"},
            new String[] {"Sheffield", "South Yorkshire"},
            new String[] {"Bristol", "City of Bristol"},
            new String[] {"Leicester", "Leicestershire"},
            new String[] {"London", "Greater London"},
            new String[] {"Liverpool", "Merseyside"},
            new String[] {"Newcastle upon Tyne", "Tyne and Wear"},
            new String[] {"Cardiff", "South Glamorgan"},
            new String[] {"Glasgow", "Lanarkshire"},
            new String[] {"Belfast", "County Antrim"});

    /** Practice localities; the generator uses the first two or three in a seed-dependent order. */
    static final List<Locality> LOCALITIES = List.of(
            new Locality("Larkspur Lane Medical Practice", "Leeds", "West Yorkshire", "0113496",
                    "larkspur-lane.example.org",
                    List.of(new District("LS6", "Headingley"), new District("LS7", "Chapel Allerton"),
                            new District("LS8", "Harehills"), new District("LS11", "Beeston"),
                            new District("LS12", "Armley"))),
            new Locality("Quayside Green Surgery", "Manchester", "Greater Manchester", "0161496",
                    "quayside-green.example.org",
                    List.of(new District("M8", "Cheetham Hill"), new District("M13", "Longsight"),
                            new District("M14", "Rusholme"), new District("M16", "Whalley Range"),
                            new District("M20", "Didsbury"))),
            new Locality("Kestrel Row Health Centre", "Birmingham", "West Midlands", "0121496",
                    "kestrel-row.example.org",
                    List.of(new District("B10", "Small Heath"), new District("B11", "Sparkhill"),
                            new District("B12", "Balsall Heath"), new District("B13", "Moseley"),
                            new District("B29", "Selly Oak"))),
            new Locality("Harbour Wharf Surgery", "Bristol", "City of Bristol", "0117496",
                    "harbour-wharf.example.org",
                    List.of(new District("BS2", "St Pauls"), new District("BS3", "Bedminster"),
                            new District("BS5", "Easton"), new District("BS6", "Redland"),
                            new District("BS7", "Horfield"))),
            new Locality("Millstone Family Practice", "Sheffield", "South Yorkshire", "0114496",
                    "millstone.example.org",
                    List.of(new District("S4", "Pitsmoor"), new District("S7", "Nether Edge"),
                            new District("S8", "Heeley"), new District("S10", "Crookes"),
                            new District("S11", "Ecclesall"))));

    static final List<String> STREETS = List.of(
            "Church Street", "Victoria Road", "Station Road", "Park Avenue", "Mill Lane", "Queens Road",
            "Albert Terrace", "Chapel Lane", "Highfield Road", "Grange Avenue", "Springfield Mount",
            "Oak Tree Close", "Balmoral Drive", "Hawthorn Grove", "Cedar Court", "Willow Crescent",
            "Beech Walk", "Windsor Gardens", "Moor View", "Brook Street", "St Mary's Road", "Cavendish Place",
            "Nelson Street", "Regent Parade", "Clarendon Road");

    /** Letters allowed in the inward part of a UK postcode (no C, I, K, M, O or V). */
    static final String INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ";

    private Populations() {
    }
}
