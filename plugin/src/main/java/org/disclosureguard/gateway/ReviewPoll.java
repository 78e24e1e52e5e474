package org.disclosureguard.gateway;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;

/**
 * Declares to HAPI's router the operation a requester polls for a held request,
 * {@code GET [base]/$review?case=...} ({@link ResponsePath#poll}). Like {@link BoundInteractions}, the answer comes
 * from {@link ResponsePathInterceptor}; the method is never reached in a correctly wired server and fails closed.
 */
public final class ReviewPoll {

    @Operation(name = ResponsePath.REVIEW_OPERATION, idempotent = true)
    public Parameters review(@OperationParam(name = "case", min = 1, max = 1) StringType reviewCase) {
        throw new GuardException(GuardError.INTERNAL, "The response path did not answer this poll.", null);
    }
}
