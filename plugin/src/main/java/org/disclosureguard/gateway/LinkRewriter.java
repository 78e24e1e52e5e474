package org.disclosureguard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Rewrites the practice server's URLs to the guard's own base, so that requesters never learn the upstream
 * address and every follow-up (paging, a fullUrl, an absolute reference) comes back through the guard:
 * {@code Bundle.link} and {@code entry.link} URLs, {@code entry.fullUrl}, {@code entry.response.location}, and every
 * {@code reference} anywhere in a resource. A Bundle link that is not on the upstream base is removed, and such a
 * {@code fullUrl} is rebuilt from the entry's resource type and id (or removed); other absolute URLs (references to
 * other servers) are left as they are. Applies to nested resources too. Stateless and thread-safe.
 */
public final class LinkRewriter {

    private static final int MAX_DEPTH = FhirJson.MAX_DEPTH + 1;

    private LinkRewriter() {}

    /**
     * @param resource a resource as a JSON tree, changed in place
     * @param upstreamBase the practice server's base, without trailing slash
     * @param guardBase the guard's base as the requester sees it, without trailing slash
     * @return how many Bundle links were dropped because they were not on the upstream base
     */
    public static int rewrite(ObjectNode resource, String upstreamBase, String guardBase) {
        return walk(resource, upstreamBase, guardBase, 0);
    }

    /**
     * Rewrites one entry of a Bundle exactly as {@link #rewrite} does when it rewrites the Bundle the entry belongs
     * to; with {@link #rewrite} on the Bundle without its entries, this lets a Bundle be rewritten one entry at a time.
     *
     * @param entry one element of a Bundle's {@code entry} array, changed in place
     * @return how many entry links were dropped because they were not on the upstream base
     */
    public static int rewriteEntry(ObjectNode entry, String upstreamBase, String guardBase) {
        // In a Bundle rewritten whole, an entry sits two levels below the Bundle: in the entry array, in the Bundle.
        return rewriteEntryUrls(entry, upstreamBase, guardBase) + walk(entry, upstreamBase, guardBase, 2);
    }

    private static int walk(JsonNode node, String upstreamBase, String guardBase, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("JSON nested more than " + MAX_DEPTH + " deep");
        }
        int dropped = 0;
        if (node instanceof ObjectNode object) {
            if ("Bundle".equals(object.path("resourceType").asText(null))) {
                dropped += rewriteBundle(object, upstreamBase, guardBase);
            }
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode value = field.getValue();
                if (field.getKey().equals("reference") && value.isTextual()) {
                    String rebased = rebase(value.textValue(), upstreamBase, guardBase);
                    if (rebased != null) {
                        field.setValue(object.textNode(rebased));
                    }
                } else if (value.isContainerNode()) {
                    dropped += walk(value, upstreamBase, guardBase, depth + 1);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (JsonNode item : array) {
                if (item.isContainerNode()) {
                    dropped += walk(item, upstreamBase, guardBase, depth + 1);
                }
            }
        }
        return dropped;
    }

    private static int rewriteBundle(ObjectNode bundle, String upstreamBase, String guardBase) {
        int dropped = rewriteLinks(bundle.get("link"), upstreamBase, guardBase);
        if (bundle.get("entry") instanceof ArrayNode entries) {
            for (JsonNode entryNode : entries) {
                if (entryNode instanceof ObjectNode entry) {
                    dropped += rewriteEntryUrls(entry, upstreamBase, guardBase);
                }
            }
        }
        return dropped;
    }

    private static int rewriteEntryUrls(ObjectNode entry, String upstreamBase, String guardBase) {
        int dropped = rewriteLinks(entry.get("link"), upstreamBase, guardBase);
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
        if (entry.get("response") instanceof ObjectNode response && response.path("location").isTextual()) {
            String rewritten = rebase(response.path("location").textValue(), upstreamBase, guardBase);
            if (rewritten != null) {
                response.put("location", rewritten);
            }
        }
        return dropped;
    }

    private static int rewriteLinks(JsonNode linksNode, String upstreamBase, String guardBase) {
        int dropped = 0;
        if (linksNode instanceof ArrayNode links) {
            Iterator<JsonNode> it = links.elements();
            while (it.hasNext()) {
                JsonNode link = it.next();
                String rewritten = rebase(link.path("url").asText(null), upstreamBase, guardBase);
                if (rewritten == null) {
                    it.remove();
                    dropped++;
                } else {
                    ((ObjectNode) link).put("url", rewritten);
                }
            }
        }
        return dropped;
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
