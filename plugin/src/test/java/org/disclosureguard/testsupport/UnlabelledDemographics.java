package org.disclosureguard.testsupport;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An independent check of labelling output: walks serialized FHIR JSON with HAPI's element definitions (not with
 * the guard's label plan) and lists every demographic element of a Patient, RelatedPerson or Practitioner that
 * carries no DS4P inline label on itself or on an enclosing element. Demographic means: any element of datatype
 * Address, ContactPoint, HumanName, Identifier or Attachment (for a Practitioner: Address and ContactPoint); the
 * person-level elements listed in
 * {@link #PERSON_ELEMENTS}; and the extensions listed in {@link #DEMOGRAPHIC_EXTENSIONS} (labelled on their values).
 */
public final class UnlabelledDemographics {

    public static final String INLINE_LABEL =
            "http://hl7.org/fhir/uv/security-label-ds4p/StructureDefinition/extension-inline-sec-label";

    static final Set<String> DEMOGRAPHIC_TYPES = Set.of("Address", "ContactPoint", "HumanName", "Identifier",
            "Attachment");
    /** A practitioner's name and identifiers are their own; their address and phone locate the patient. */
    static final Set<String> PRACTITIONER_TYPES = Set.of("Address", "ContactPoint");
    static final Map<String, Set<String>> PERSON_ELEMENTS = Map.of(
            "Patient", Set.of("birthDate", "gender", "maritalStatus", "communication", "contact",
                    "generalPractitioner", "managingOrganization", "link", "text"),
            "RelatedPerson", Set.of("birthDate", "gender", "communication", "text"),
            "Practitioner", Set.of());
    static final Set<String> DEMOGRAPHIC_EXTENSIONS = Set.of(
            "http://hl7.org/fhir/StructureDefinition/patient-birthPlace",
            "http://hl7.org/fhir/StructureDefinition/patient-nationality",
            "http://hl7.org/fhir/StructureDefinition/patient-citizenship",
            "http://hl7.org/fhir/StructureDefinition/patient-religion",
            "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired",
            "http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName",
            "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory",
            "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSCommunication",
            "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-ResidentialStatus",
            "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-OverseasVisitorChargingCategory",
            "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NominatedPharmacy",
            "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race",
            "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity",
            "http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex");

    private final FhirContext fhir;

    public UnlabelledDemographics(FhirContext fhir) {
        this.fhir = fhir;
    }

    /** The locations of unlabelled demographic elements in a resource and every resource nested in it. */
    public List<String> find(JsonNode resource) {
        List<String> found = new ArrayList<>();
        walkResource(resource, resource.path("resourceType").asText() + "/" + resource.path("id").asText(""), found);
        return found;
    }

    private void walkResource(JsonNode resource, String location, List<String> found) {
        String type = resource.path("resourceType").asText();
        for (JsonNode contained : resource.path("contained")) {
            walkResource(contained, location + ".contained(" + contained.path("id").asText() + ")", found);
        }
        if (type.equals("Bundle")) {
            int i = 0;
            for (JsonNode entry : resource.path("entry")) {
                if (entry.has("resource")) {
                    walkResource(entry.get("resource"), location + ".entry[" + i + "]", found);
                }
                i++;
            }
        }
        if (!PERSON_ELEMENTS.containsKey(type)) {
            return;
        }
        Set<String> types = type.equals("Practitioner") ? PRACTITIONER_TYPES : DEMOGRAPHIC_TYPES;
        walk(resource, fhir.getResourceDefinition(type), location, false, true, PERSON_ELEMENTS.get(type), types,
                found);
    }

    private void walk(JsonNode object, BaseRuntimeElementCompositeDefinition<?> def, String location,
            boolean covered, boolean topLevel, Set<String> personElements, Set<String> demographicTypes,
            List<String> found) {
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            if (name.startsWith("_") || name.equals("resourceType") || name.equals("contained") || name.equals("meta")) {
                continue;
            }
            if (name.equals("extension")) {
                if (topLevel && !covered) {
                    checkExtensions(field.getValue(), location, found);
                }
                continue;
            }
            BaseRuntimeChildDefinition child = def.getChildByName(name);
            if (child == null) {
                continue;
            }
            BaseRuntimeElementDefinition<?> elementDef = child.getChildByName(name);
            JsonNode value = field.getValue();
            JsonNode siblings = object.get("_" + name);
            int size = value.isArray() ? value.size() : 1;
            for (int i = 0; i < size; i++) {
                JsonNode item = value.isArray() ? value.get(i) : value;
                JsonNode sibling = siblings == null ? null : siblings.isArray() ? siblings.get(i) : siblings;
                boolean itemCovered = covered || hasLabel(item) || (sibling != null && hasLabel(sibling));
                String itemLocation = location + "." + name + (value.isArray() ? "[" + i + "]" : "");
                boolean demographic = (elementDef != null && demographicTypes.contains(elementDef.getName()))
                        || (topLevel && personElements.contains(name));
                if (demographic && !itemCovered) {
                    found.add(itemLocation);
                }
                if (item.isObject() && elementDef instanceof BaseRuntimeElementCompositeDefinition<?> composite) {
                    walk(item, composite, itemLocation, itemCovered, false, personElements, demographicTypes, found);
                }
            }
        }
    }

    private static void checkExtensions(JsonNode extensions, String location, List<String> found) {
        for (JsonNode extension : extensions) {
            String url = extension.path("url").asText();
            if (DEMOGRAPHIC_EXTENSIONS.contains(url) && !valueLabelled(extension)) {
                found.add(location + ".extension('" + url + "')");
            }
        }
    }

    /** An extension's value carries a label, or every sub-extension's value does. */
    private static boolean valueLabelled(JsonNode extension) {
        Iterator<Map.Entry<String, JsonNode>> fields = extension.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().startsWith("value")) {
                JsonNode sibling = extension.get("_" + field.getKey());
                return hasLabel(field.getValue()) || (sibling != null && hasLabel(sibling));
            }
        }
        boolean any = false;
        for (JsonNode sub : extension.path("extension")) {
            if (!INLINE_LABEL.equals(sub.path("url").asText())) {
                if (!valueLabelled(sub)) {
                    return false;
                }
                any = true;
            }
        }
        return any;
    }

    private static boolean hasLabel(JsonNode element) {
        for (JsonNode ext : element.path("extension")) {
            if (INLINE_LABEL.equals(ext.path("url").asText())) {
                return true;
            }
        }
        return false;
    }
}
