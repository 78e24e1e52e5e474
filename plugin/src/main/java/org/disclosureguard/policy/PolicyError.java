package org.disclosureguard.policy;

/**
 * The stable codes of everything the policy engine reports: problems in a policy file (DG-20xx, reported as
 * {@link org.disclosureguard.config.ConfigException}s naming the line), the codes carried by refusing and
 * escalating decisions (DG-21xx, shown to the requester in the OperationOutcome), reloads (DG-22xx) and scenario
 * files (DG-23xx). Codes are never reused or renumbered; the table in {@code docs/policy.md} lists them with what to
 * do.
 */
public enum PolicyError {
    POLICY_UNREADABLE("DG-2001", "the policy file cannot be read, is empty, or is not valid YAML"),
    POLICY_STRUCTURE("DG-2002", "a field is unknown, missing, or has a value of the wrong type"),
    POLICY_VERSION("DG-2003", "the policy file's version is not one this guard reads"),
    UNKNOWN_LABEL("DG-2004", "a label is not known"),
    UNKNOWN_CODE("DG-2005", "a rule compares with a code the policy does not declare, or that cannot occur"),
    DUPLICATE_RULE_ID("DG-2006", "a rule id is used twice, is reserved for a built-in rule, or is not a valid id"),
    EXPRESSION_SYNTAX("DG-2007", "a rule's condition is not a valid CEL expression"),
    EXPRESSION_TYPE("DG-2008",
            "a rule's condition does not type-check (unknown variable or function, wrong types, not a boolean)"),
    RULE_SHAPE("DG-2009", "a rule's fields do not fit its outcome or stage"),
    RESOURCE_FACTS_AT_REQUEST_STAGE("DG-2010", "a request-stage rule uses resource facts"),

    DENIED_BY_RULE("DG-2101", "refused by a rule of the practice's disclosure policy"),
    DENIED_BY_DEFAULT("DG-2102", "no rule of the practice's disclosure policy allows this request"),
    UNDECLARED_CODE("DG-2103",
            "the requester class, purpose of use or legal basis is not one the practice's policy knows"),
    EVALUATION_FAILED("DG-2104", "a rule could not be evaluated, so the request is refused"),
    ESCALATED("DG-2105", "referred to a reviewer at the practice; nothing is released until they decide"),

    RELOAD_FAILED("DG-2201", "a new policy file was refused; the last good policy stays in force"),

    SCENARIO_INVALID("DG-2301", "a scenario file is not valid"),
    SCENARIO_FOLDER("DG-2302", "the scenario folder is missing or holds no scenario files"),

    REQUESTS_PER_MINUTE("DG-2401", "the requester has made more requests this minute than the policy's limit allows"),
    PATIENTS_PER_DAY("DG-2402",
            "the requester has received data about as many patients today as the policy's limit allows"),

    TRACING_ALERT("DG-2501",
            "a requester's pattern of requests crossed a tracing threshold; the Caldicott Guardian was alerted"),
    TRACING_FAILED("DG-2502", "a tracing alert could not be recorded or the alerts cannot be read");

    private final String code;
    private final String summary;

    PolicyError(String code, String summary) {
        this.code = code;
        this.summary = summary;
    }

    /** The stable code, such as {@code DG-2004}. */
    public String code() {
        return code;
    }

    /** One line saying what the code means. */
    public String summary() {
        return summary;
    }

    /** {@code "DG-2004 " + problem}: the form every message with this code takes. */
    public String format(String problem) {
        return code + " " + problem;
    }

    @Override
    public String toString() {
        return code;
    }
}
