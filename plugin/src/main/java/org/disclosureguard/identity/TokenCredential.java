package org.disclosureguard.identity;

import com.nimbusds.jose.jwk.JWK;
import java.util.List;

/**
 * How a registered requester's signed tokens are recognised: the client id it signs as (the token's {@code iss}
 * and {@code sub}) and the public keys its signature may verify with (more than one while a key is rotated).
 * Every key is public and is an RSA key of at least 2048 bits (RS256), an EC P-256 key (ES256) or an Ed25519
 * key (EdDSA).
 *
 * @param clientId never {@code null}
 * @param keys never empty; immutable
 */
public record TokenCredential(String clientId, List<JWK> keys) {

    public TokenCredential {
        keys = List.copyOf(keys);
        if (clientId == null || keys.isEmpty()) {
            throw new IllegalArgumentException("a token credential needs a client id and at least one key");
        }
    }
}
