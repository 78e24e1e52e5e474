package org.disclosureguard.review;

/**
 * What a held request asked for beyond its {@link org.disclosureguard.policy.RequestContext}: the resource id of a
 * read and the patient it is about, when known. An immutable value.
 *
 * @param resourceId the logical id of the resource read, never {@code null}; empty for a search
 * @param patientId the patient the request is about (the Patient's logical id) when the gateway knows it, never
 *     {@code null}; empty otherwise
 */
public record RequestShape(String resourceId, String patientId) {

    public RequestShape {
        resourceId = resourceId == null ? "" : resourceId.strip();
        patientId = patientId == null ? "" : patientId.strip();
    }

    /** A read of one resource ({@code Patient/{id}}: the patient is the resource). */
    public static RequestShape read(String resourceType, String resourceId) {
        return new RequestShape(resourceId, "Patient".equals(resourceType) ? resourceId : "");
    }

    /** A search, about the given patient if known (or empty). */
    public static RequestShape search(String patientId) {
        return new RequestShape("", patientId);
    }
}
