package org.disclosureguard.upstream;

import java.util.Map;

/**
 * A complete, bounded answer from the practice server whose status is 2xx or a client error (4xx).
 *
 * @param status the HTTP status
 * @param headers the response headers that passed the allow-list (lower-case names)
 * @param body the whole body, never {@code null}
 */
public record UpstreamResponse(int status, Map<String, String> headers, byte[] body) {

    public UpstreamResponse {
        headers = Map.copyOf(headers);
    }

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }
}
