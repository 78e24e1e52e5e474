package org.disclosureguard.config;

import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A read-only view of one node of a YAML document that remembers where it came from, so that every
 * configuration error can name its line. Values are read with typed accessors that throw
 * {@link ConfigException}. Unknown keys are refused by {@link #requireOnlyKeys}. Immutable and thread-safe.
 */
public final class YamlNode {

    private static final int MAX_DOCUMENT_CHARS = 4 * 1024 * 1024;

    private final String source;
    private final Node node;

    private YamlNode(String source, Node node) {
        this.source = source;
        this.node = node;
    }

    /** Parses one YAML document. Aliases, custom tags and documents over 4 MB are refused. */
    public static YamlNode parse(String source, String text) {
        if (text.length() > MAX_DOCUMENT_CHARS) {
            throw new ConfigException(source, 0, "the file is larger than 4 MB");
        }
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(0);
        options.setAllowRecursiveKeys(false);
        options.setCodePointLimit(MAX_DOCUMENT_CHARS);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        try (Reader reader = new StringReader(text)) {
            Node root = yaml.compose(reader);
            if (root == null) {
                throw new ConfigException(source, 1, "the file is empty");
            }
            return new YamlNode(source, root);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 0;
            throw new ConfigException(source, line, "not valid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            throw new ConfigException(source, 0, "not valid YAML: " + e.getMessage());
        } catch (java.io.IOException e) {
            throw new ConfigException(source, 0, "cannot be read: " + e.getMessage());
        }
    }

    public String source() {
        return source;
    }

    /** The 1-based line this node starts on. */
    public int line() {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    public ConfigException error(String problem) {
        return new ConfigException(source, line(), problem);
    }

    public boolean isMapping() {
        return node instanceof MappingNode;
    }

    /** The entries of a mapping, in file order. Duplicate keys are refused. */
    public Map<String, YamlNode> entries() {
        if (!(node instanceof MappingNode mapping)) {
            throw error("expected a mapping of keys to values");
        }
        Map<String, YamlNode> result = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                throw new YamlNode(source, tuple.getKeyNode()).error("keys must be plain words");
            }
            if (result.put(key.getValue(), new YamlNode(source, tuple.getValueNode())) != null) {
                throw new YamlNode(source, key).error("duplicate key '" + key.getValue() + "'");
            }
        }
        return result;
    }

    /** Refuses any key of this mapping not in {@code allowed}, naming the line of the first unknown key. */
    public void requireOnlyKeys(Set<String> allowed) {
        MappingNode mapping = (MappingNode) requireMapping().node;
        for (NodeTuple tuple : mapping.getValue()) {
            String key = ((ScalarNode) tuple.getKeyNode()).getValue();
            if (!allowed.contains(key)) {
                throw new YamlNode(source, tuple.getKeyNode())
                        .error("unknown field '" + key + "' (expected one of " + new java.util.TreeSet<>(allowed) + ")");
            }
        }
    }

    private YamlNode requireMapping() {
        entries();
        return this;
    }

    /** The value under {@code key}, or {@code null} if absent. */
    public YamlNode get(String key) {
        return entries().get(key);
    }

    /** The value under {@code key}; absent is an error. */
    public YamlNode require(String key) {
        YamlNode value = get(key);
        if (value == null) {
            throw error("missing required field '" + key + "'");
        }
        return value;
    }

    public List<YamlNode> items() {
        if (!(node instanceof SequenceNode sequence)) {
            throw error("expected a list");
        }
        List<YamlNode> result = new ArrayList<>();
        for (Node item : sequence.getValue()) {
            result.add(new YamlNode(source, item));
        }
        return result;
    }

    /** A non-blank text scalar. */
    public String text() {
        if (!(node instanceof ScalarNode scalar)) {
            throw error("expected a single value, not a list or mapping");
        }
        String value = scalar.getValue().trim();
        if (value.isEmpty()) {
            throw error("value must not be empty");
        }
        return value;
    }

    public int integer() {
        String text = text();
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw error("expected a whole number, found '" + text + "'");
        }
    }

    /** A list of non-blank, distinct text scalars. */
    public List<String> texts() {
        List<String> result = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (YamlNode item : items()) {
            String value = item.text();
            if (!seen.add(value)) {
                throw item.error("'" + value + "' is listed twice");
            }
            result.add(value);
        }
        return result;
    }
}
