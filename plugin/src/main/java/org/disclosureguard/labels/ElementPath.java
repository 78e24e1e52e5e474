package org.disclosureguard.labels;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The subset of FHIRPath that label rules use to name an element: a resource type followed by child names and
 * extension selectors, for example {@code Patient.contact.telecom} or
 * {@code Patient.extension('http://hl7.org/fhir/StructureDefinition/patient-nationality')}. Every such path is
 * also a valid FHIRPath expression, which is how the reference labeller evaluates it with HAPI's engine.
 *
 * @param resourceType the resource type the path starts from
 * @param steps the steps, never empty
 */
public record ElementPath(String resourceType, List<Step> steps) {

    private static final Pattern STEP = Pattern.compile(
            "\\G\\.(?:(?<ext>extension|modifierExtension)\\('(?<url>[^'\\s]+)'\\)|(?<name>[a-z][A-Za-z0-9]*))");
    private static final Pattern TYPE = Pattern.compile("^[A-Z][A-Za-z]+");

    /** One step of a path. */
    public record Step(Kind kind, String value) {
        public String toFhirPath() {
            return switch (kind) {
                case CHILD -> "." + value;
                case EXTENSION -> ".extension('" + value + "')";
                case MODIFIER_EXTENSION -> ".modifierExtension('" + value + "')";
            };
        }
    }

    /** What a step selects. */
    public enum Kind {
        CHILD,
        EXTENSION,
        MODIFIER_EXTENSION
    }

    public ElementPath {
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a path needs at least one step after the resource type");
        }
    }

    /**
     * Parses a path.
     *
     * @throws IllegalArgumentException with a message saying what is wrong
     */
    public static ElementPath parse(String text) {
        Matcher type = TYPE.matcher(text);
        if (!type.find()) {
            throw new IllegalArgumentException("a path starts with a resource type, such as Patient.address");
        }
        List<Step> steps = new ArrayList<>();
        Matcher step = STEP.matcher(text);
        int at = type.end();
        step.region(at, text.length());
        while (at < text.length()) {
            if (!step.find()) {
                throw new IllegalArgumentException("cannot read the path after '" + text.substring(0, at)
                        + "': use child names and extension('url') steps only");
            }
            if (step.group("name") != null) {
                steps.add(new Step(Kind.CHILD, step.group("name")));
            } else {
                Kind kind = step.group("ext").equals("extension") ? Kind.EXTENSION : Kind.MODIFIER_EXTENSION;
                steps.add(new Step(kind, step.group("url")));
            }
            at = step.end();
        }
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a path names an element, such as Patient.address, not a whole resource");
        }
        return new ElementPath(type.group(), steps);
    }

    public ElementPath child(Step step) {
        List<Step> longer = new ArrayList<>(steps);
        longer.add(step);
        return new ElementPath(resourceType, longer);
    }

    /** The path as a FHIRPath expression. */
    public String toFhirPath() {
        StringBuilder sb = new StringBuilder(resourceType);
        steps.forEach(s -> sb.append(s.toFhirPath()));
        return sb.toString();
    }

    @Override
    public String toString() {
        return toFhirPath();
    }
}
