package org.disclosureguard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;

/**
 * Rewrites the practice server's URLs in a Bundle to the guard's own base, so that requesters never learn the
 * upstream address and every follow-up (paging, a fullUrl) comes back through the guard. A link that does not
 * start with the upstream base is removed, and such a {@code fullUrl} is rebuilt from the entry's resource type
 * and id (or removed). Applies to nested bundles too. Stateless and thread-safe.
 */
public final class LinkRewriter {

    private static final int MAX_DEPTH = 16;

    private LinkRewriter() {}

    /**
     * @param bundle a Bundle as a JSON tree, changed in place
     * @param upstreamBase the practice server's base, without trailing slash
     * @param guardBase the guard's base as the requester sees it, without trailing slash
     */
    public static void rewrite(ObjectNode bundle, String upstreamBase, String guardBase) {
        rewrite(bundle, upstreamBase, guardBase, 0);
    }

    private static void rewrite(ObjectNode bundle, String upstreamBase, String guardBase, int depth) {
        if (depth > MAX_DEPTH || !"Bundle".equals(bundle.path("resourceType").asText(null))) {
            return;
        }
        if (bundle.get("link") instanceof ArrayNode links) {
            Iterator<JsonNode> it = links.elements();
            while (it.hasNext()) {
                JsonNode link = it.next();
                String rewritten = rebase(link.path("url").asText(null), upstreamBase, guardBase);
                if (rewritten == null) {
                    it.remove();
                } else {
                    ((ObjectNode) link).put("url", rewritten);
                }
            }
        }
        if (bundle.get("entry") instanceof ArrayNode entries) {
            for (JsonNode entryNode : entries) {
                if (!(entryNode instanceof ObjectNode entry)) {
                    continue;
                }
                JsonNode resource = entry.get("resource");
                if (entry.has("fullUrl")) {
                    String rewritten = rebase(entry.path("fullUrl").asText(null), upstreamBase, guardBase);
                    if (rewritten == null && resource != null && resource.path("id").isTextual()) {
                        rewritten = guardBase + "/" + resource.path("resourceType").asText() + "/"
                                + resource.path("id").asText();
                    }
                    if (rewritten == null) {
                        entry.remove("fullUrl");
                    } else {
                        entry.put("fullUrl", rewritten);
                    }
                }
                if (resource instanceof ObjectNode nested) {
                    rewrite(nested, upstreamBase, guardBase, depth + 1);
                }
            }
        }
    }

    /** The URL on the guard's base, or {@code null} if it is not on the upstream base. */
    static String rebase(String url, String upstreamBase, String guardBase) {
        if (url == null) {
            return null;
        }
        if (url.equals(upstreamBase)) {
            return guardBase;
        }
        if (url.startsWith(upstreamBase)) {
            char next = url.charAt(upstreamBase.length());
            if (next == '/' || next == '?') {
                return guardBase + url.substring(upstreamBase.length());
            }
        }
        return null;
    }
}
