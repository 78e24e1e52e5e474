package org.disclosureguard.policy;

import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.disclosureguard.labels.SecurityLabel;

/**
 * The variables a rule's condition can use, the CEL compilers that declare them (one per stage: request-stage
 * rules cannot see resource facts) and the activation that binds them for one evaluation. The compilers and the
 * runtime are immutable and shared by every policy; they are thread-safe.
 */
final class PolicyVariables {

    static final String REQUESTER_ID = "requester.id";
    static final String REQUESTER_ORGANISATION = "requester.organisation";
    static final String REQUESTER_CLASS = "requester.class";
    static final String REQUESTER_INTERNAL = "requester.internal";
    static final String PURPOSE = "purpose";
    static final String LEGAL_BASIS = "legalBasis";
    static final String CASE_REFERENCE = "caseReference";
    static final String REQUESTING_OFFICER = "requestingOfficer";
    static final String INTERACTION = "interaction";
    static final String RESOURCE_TYPE = "resourceType";
    static final String PARAMS = "params";
    static final String RESOURCE_TYPE_OF_RESOURCE = "resource.type";
    static final String RESOURCE_ID = "resource.id";
    static final String RESOURCE_CONFIDENTIALITY = "resource.confidentiality";
    static final String RESOURCE_LABELS = "resource.labels";
    static final String RESOURCE_PATIENT_COMPARTMENT = "resource.patientCompartment";

    /** The variables of request-stage rules, in the order the documentation lists them. */
    static final Map<String, CelType> REQUEST_VARIABLES;

    /** The variables of resource-stage rules: the request-stage ones and the resource facts. */
    static final Map<String, CelType> RESOURCE_VARIABLES;

    private static final CelCompiler REQUEST_COMPILER;
    private static final CelCompiler RESOURCE_COMPILER;
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

    static {
        Map<String, CelType> request = new LinkedHashMap<>();
        request.put(REQUESTER_ID, SimpleType.STRING);
        request.put(REQUESTER_ORGANISATION, SimpleType.STRING);
        request.put(REQUESTER_CLASS, SimpleType.STRING);
        request.put(REQUESTER_INTERNAL, SimpleType.BOOL);
        request.put(PURPOSE, SimpleType.STRING);
        request.put(LEGAL_BASIS, SimpleType.STRING);
        request.put(CASE_REFERENCE, SimpleType.STRING);
        request.put(REQUESTING_OFFICER, SimpleType.STRING);
        request.put(INTERACTION, SimpleType.STRING);
        request.put(RESOURCE_TYPE, SimpleType.STRING);
        request.put(PARAMS, MapType.create(SimpleType.STRING, ListType.create(SimpleType.STRING)));
        Map<String, CelType> resource = new LinkedHashMap<>(request);
        resource.put(RESOURCE_TYPE_OF_RESOURCE, SimpleType.STRING);
        resource.put(RESOURCE_ID, SimpleType.STRING);
        resource.put(RESOURCE_CONFIDENTIALITY, SimpleType.STRING);
        resource.put(RESOURCE_LABELS, ListType.create(SimpleType.STRING));
        resource.put(RESOURCE_PATIENT_COMPARTMENT, SimpleType.BOOL);
        REQUEST_VARIABLES = Collections.unmodifiableMap(request);
        RESOURCE_VARIABLES = Collections.unmodifiableMap(resource);
        REQUEST_COMPILER = compiler(REQUEST_VARIABLES);
        RESOURCE_COMPILER = compiler(RESOURCE_VARIABLES);
    }

    private PolicyVariables() {}

    private static CelCompiler compiler(Map<String, CelType> variables) {
        CelCompilerBuilder builder = CelCompilerFactory.standardCelCompilerBuilder()
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .setResultType(SimpleType.BOOL);
        variables.forEach(builder::addVar);
        return builder.build();
    }

    static CelCompiler compiler(Stage stage) {
        return stage == Stage.REQUEST ? REQUEST_COMPILER : RESOURCE_COMPILER;
    }

    static Map<String, CelType> variables(Stage stage) {
        return stage == Stage.REQUEST ? REQUEST_VARIABLES : RESOURCE_VARIABLES;
    }

    static CelRuntime runtime() {
        return RUNTIME;
    }

    /**
     * Binds the variables for one evaluation. With {@code facts} {@code null} only the request-stage variables are
     * bound.
     */
    static Map<String, Object> activation(RequestContext context, ResourceFacts facts) {
        Map<String, Object> values = new HashMap<>();
        Requester requester = context.requester();
        values.put(REQUESTER_ID, requester.id());
        values.put(REQUESTER_ORGANISATION, requester.organisation());
        values.put(REQUESTER_CLASS, requester.requesterClass());
        values.put(REQUESTER_INTERNAL, requester.internal());
        values.put(PURPOSE, context.purposeOfUse());
        values.put(LEGAL_BASIS, context.legalBasis());
        values.put(CASE_REFERENCE, context.caseReference());
        values.put(REQUESTING_OFFICER, context.requestingOfficer());
        values.put(INTERACTION, context.interaction().name());
        values.put(RESOURCE_TYPE, context.resourceType());
        values.put(PARAMS, context.params());
        if (facts != null) {
            values.put(RESOURCE_TYPE_OF_RESOURCE, facts.resourceType());
            values.put(RESOURCE_ID, facts.id());
            values.put(RESOURCE_CONFIDENTIALITY, facts.confidentiality().code());
            values.put(RESOURCE_LABELS, labelWords(facts));
            values.put(RESOURCE_PATIENT_COMPARTMENT, facts.patientCompartment());
        }
        return values;
    }

    /**
     * The labels as rules see them in {@code resource.labels}: each label as {@code system#code}, and also as its
     * short name ({@code LOCIS}, {@code NATIONALITY}) when it has one. Sorted, so evaluation is deterministic.
     */
    static java.util.List<String> labelWords(ResourceFacts facts) {
        TreeSet<String> words = new TreeSet<>();
        for (SecurityLabel label : facts.labels()) {
            words.add(label.toString());
            if (label.equals(SecurityLabel.parse(label.code()))) {
                words.add(label.code());
            }
        }
        return java.util.List.copyOf(words);
    }
}
