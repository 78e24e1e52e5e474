package org.disclosureguard.identity;

import java.util.ArrayList;
import java.util.List;

/**
 * The kind of organisation a registered requester belongs to. The codes are those of the CodeSystem
 * {@code https://fhir.disclosureguard.org/CodeSystem/requester-class} (see {@code docs/vocabulary.md}); they
 * appear in the registry file and as the OU of requester certificates. Each requester has exactly one class.
 */
public enum RequesterClass {
    /** The GP practice that holds the record, and systems acting for it. */
    PRACTICE("practice"),
    /** Another organisation providing NHS care to the patient. */
    NHS_PROVIDER("nhs-provider"),
    /** A police force in the United Kingdom. */
    POLICE("police"),
    /** The Home Office acting to enforce immigration law. */
    IMMIGRATION_ENFORCEMENT("immigration-enforcement"),
    /** The Department for Work and Pensions or another benefits authority. */
    BENEFITS("benefits"),
    /** HM Revenue and Customs. */
    TAX("tax"),
    /** A body with statutory public health functions. */
    PUBLIC_HEALTH("public-health"),
    /** A local authority acting in a role other than public health. */
    LOCAL_AUTHORITY("local-authority");

    private final String code;

    RequesterClass(String code) {
        this.code = code;
    }

    /** The code as written in the registry file and the CodeSystem. */
    public String code() {
        return code;
    }

    /** The class with this code, or {@code null} if there is none (codes are case-sensitive). */
    public static RequesterClass fromCode(String code) {
        for (RequesterClass c : values()) {
            if (c.code.equals(code)) {
                return c;
            }
        }
        return null;
    }

    /** Every code, in declaration order, for error messages. */
    public static List<String> codes() {
        List<String> codes = new ArrayList<>();
        for (RequesterClass c : values()) {
            codes.add(c.code);
        }
        return codes;
    }

    @Override
    public String toString() {
        return code;
    }
}
