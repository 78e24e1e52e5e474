package org.disclosureguard.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelSource;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelExprVisitor;
import dev.cel.compiler.CelCompiler;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.disclosureguard.config.ConfigException;
import org.disclosureguard.config.YamlNode;
import org.disclosureguard.labels.SecurityLabel;
import org.disclosureguard.labels.Vocabulary;

/**
 * Reads a policy file (format in {@code docs/policy.md}) and compiles every condition once. Every problem is a
 * {@link ConfigException} naming the line and carrying a DG-20xx code. Stateless and thread-safe.
 */
final class PolicyCompiler {

    private static final Set<String> TOP_KEYS =
            Set.of("version", "description", "requesterClasses", "purposes", "legalBases", "rules", "limits", "tracing");
    private static final Pattern REFERENCE = Pattern.compile("(Practitioner|PractitionerRole)/[A-Za-z0-9.-]{1,64}");
    private static final Pattern TIME = Pattern.compile("([01][0-9]|2[0-3]):[0-5][0-9]");
    private static final Set<String> RULE_KEYS =
            Set.of("id", "description", "stage", "when", "then", "withhold", "obligations", "reason", "reviewer",
                    "approvals");
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern BLOCK_INDICATOR = Pattern.compile("(^|[\\s:])[|>][+-]?[0-9]?[+-]?\\s*(#.*)?$");
    private static final Pattern TAGGED_CONDITION = Pattern.compile("^\\s*(-\\s+)?when:\\s*!");
    private static final int MAX_REPORTED_ISSUES = 3;

    /** Handling codes accepted by name in {@code obligations} (v3-ActCode). */
    static final Set<String> OBLIGATION_NAMES = Set.of("NORDSCLCD", "NOREUSE", "DELAU", "NOCOLLECT", "NOINTEGRATE",
            "NOPERSISTP", "PERSISTLABEL", "ENCRYPT");

    private PolicyCompiler() {}

    static PolicyEngine compile(String source, byte[] bytes) {
        String version = version(bytes);
        String text = decode(source, bytes);
        YamlNode root;
        try {
            root = YamlNode.parse(source, text);
        } catch (ConfigException e) {
            throw coded(e, PolicyError.POLICY_UNREADABLE);
        }
        try {
            return new Document(source, text, version).compile(root);
        } catch (ConfigException e) {
            throw coded(e, PolicyError.POLICY_STRUCTURE);
        }
    }

    /** {@code sha256:} and the lower-case hex digest of the bytes. */
    static String version(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    private static String decode(String source, byte[] bytes) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new ConfigException(source, 0, PolicyError.POLICY_UNREADABLE.format("the file is not UTF-8 text"));
        }
    }

    /** Gives a problem reported without a code (by the YAML reader) the code of its kind. */
    private static ConfigException coded(ConfigException e, PolicyError code) {
        String prefix = e.source() + (e.line() > 0 ? ":" + e.line() : "") + ": ";
        String message = e.getMessage();
        String problem = message.startsWith(prefix) ? message.substring(prefix.length()) : message;
        if (problem.startsWith("DG-")) {
            return e;
        }
        return new ConfigException(e.source(), e.line(), code.format(problem));
    }

    /** One file being compiled. */
    private static final class Document {

        private final String source;
        private final String[] lines;
        private final String version;
        private final Map<String, Predicate<String>> allowedLiterals = new HashMap<>();
        private final Map<String, String> literalHints = new HashMap<>();

        Document(String source, String text, String version) {
            this.source = source;
            this.lines = text.split("\r\n|\r|\n", -1);
            this.version = version;
        }

        PolicyEngine compile(YamlNode root) {
            root.requireOnlyKeys(TOP_KEYS);
            YamlNode versionNode = root.require("version");
            if (versionNode.integer() != 1) {
                throw versionNode.error(PolicyError.POLICY_VERSION.format(
                        "unsupported version " + versionNode.text() + " (this guard reads version 1)"));
            }
            String description = root.get("description") == null ? "" : root.get("description").text();
            Set<String> classes = codes(root.require("requesterClasses"), "requester class", true);
            Set<String> purposes = codes(root.require("purposes"), "purpose of use", true);
            Set<String> bases = codes(root.require("legalBases"), "legal basis", false);
            declareLiterals(classes, purposes, bases);

            List<PolicyEngine.CompiledRule> rules = new ArrayList<>();
            Map<String, Integer> ids = new HashMap<>();
            for (YamlNode ruleNode : root.require("rules").items()) {
                rules.add(rule(ruleNode, ids));
            }
            List<Limit> limits = root.get("limits") == null ? List.of() : limits(root.get("limits"), classes);
            TracingThresholds tracing = root.get("tracing") == null ? TracingThresholds.OFF
                    : tracing(root.get("tracing"), classes);
            return new PolicyEngine(source, version, description, classes, purposes, bases, rules, limits, tracing);
        }

        private TracingThresholds tracing(YamlNode node, Set<String> classes) {
            node.requireOnlyKeys(Set.of("notify", "refusedSearches", "distinctPatients", "samePatient",
                    "outsideHours", "usualHours"));
            String notify = "";
            if (node.get("notify") != null) {
                notify = node.get("notify").text();
                if (!REFERENCE.matcher(notify).matches()) {
                    throw node.get("notify").error(PolicyError.POLICY_STRUCTURE.format("notify is the Caldicott "
                            + "Guardian as a reference such as Practitioner/caldicott-guardian, not '" + notify + "'"));
                }
            }
            List<TracingThresholds.UsualHours> hours = new ArrayList<>();
            if (node.get("usualHours") != null) {
                Set<String> seen = new HashSet<>();
                for (YamlNode item : node.get("usualHours").items()) {
                    item.requireOnlyKeys(Set.of("class", "requester", "from", "to"));
                    Applies applies = applies(item, classes, seen, "usual hours name", "these usual hours are");
                    String requesterClass = applies.requesterClass();
                    String requester = applies.requester();
                    java.time.LocalTime from = time(item.require("from"));
                    java.time.LocalTime to = time(item.require("to"));
                    if (from.equals(to)) {
                        throw item.error(PolicyError.POLICY_STRUCTURE.format("usual hours run from one time to "
                                + "another; for all day, leave the requester out"));
                    }
                    hours.add(new TracingThresholds.UsualHours(requester, requesterClass, from, to));
                }
            }
            return new TracingThresholds(threshold(node.get("refusedSearches"), "count"),
                    threshold(node.get("distinctPatients"), "count"), threshold(node.get("samePatient"), "requesters"),
                    threshold(node.get("outsideHours"), "count"), hours, notify);
        }

        private static TracingThresholds.Threshold threshold(YamlNode node, String countKey) {
            if (node == null) {
                return TracingThresholds.Threshold.OFF;
            }
            node.requireOnlyKeys(Set.of(countKey, "windowMinutes"));
            YamlNode countNode = node.require(countKey);
            int count = countNode.integer();
            if (count < 1 || count > 1_000_000) {
                throw countNode.error(PolicyError.POLICY_STRUCTURE.format(countKey
                        + " is a whole number from 1 to 1000000 (leave the threshold out to turn it off)"));
            }
            YamlNode windowNode = node.require("windowMinutes");
            int minutes = windowNode.integer();
            if (minutes < 1 || minutes > 10_080) {
                throw windowNode.error(PolicyError.POLICY_STRUCTURE.format(
                        "windowMinutes is a whole number from 1 to 10080 (a week)"));
            }
            return new TracingThresholds.Threshold(count, java.time.Duration.ofMinutes(minutes));
        }

        private static java.time.LocalTime time(YamlNode node) {
            String text = node.text();
            if (!TIME.matcher(text).matches()) {
                throw node.error(PolicyError.POLICY_STRUCTURE.format("a time of day is HH:MM (24-hour clock, "
                        + "Europe/London), quoted, such as '07:30', not '" + text + "'"));
            }
            return java.time.LocalTime.parse(text);
        }

        private List<Limit> limits(YamlNode node, Set<String> classes) {
            List<Limit> limits = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (YamlNode item : node.items()) {
                item.requireOnlyKeys(Set.of("class", "requester", "requestsPerMinute", "patientsPerDay"));
                Applies applies = applies(item, classes, seen, "a limit names", "this limit is");
                String requesterClass = applies.requesterClass();
                String requester = applies.requester();
                int perMinute = count(item.get("requestsPerMinute"));
                int perDay = count(item.get("patientsPerDay"));
                if (perMinute == 0 && perDay == 0) {
                    throw item.error(PolicyError.POLICY_STRUCTURE.format(
                            "a limit gives requestsPerMinute, patientsPerDay or both"));
                }
                limits.add(new Limit(requester, requesterClass, perMinute, perDay));
            }
            return limits;
        }

        private static int count(YamlNode node) {
            if (node == null) {
                return 0;
            }
            int value = node.integer();
            if (value < 1 || value > 1_000_000) {
                throw node.error(PolicyError.POLICY_STRUCTURE.format("a limit is a whole number from 1 to 1000000"));
            }
            return value;
        }

        private Set<String> codes(YamlNode node, String what, boolean required) {
            Set<String> codes = new LinkedHashSet<>();
            for (YamlNode item : node.items()) {
                String code = item.text();
                if (!WORD.matcher(code).matches()) {
                    throw item.error(PolicyError.POLICY_STRUCTURE.format("'" + code + "' is not a valid " + what
                            + " code: use letters, digits, '.', '_' and '-'"));
                }
                if (!codes.add(code)) {
                    throw item.error(PolicyError.POLICY_STRUCTURE.format("'" + code + "' is listed twice"));
                }
            }
            if (required && codes.isEmpty()) {
                throw node.error(PolicyError.POLICY_STRUCTURE.format("declare at least one " + what));
            }
            return java.util.Collections.unmodifiableSet(codes);
        }

        private void declareLiterals(Set<String> classes, Set<String> purposes, Set<String> bases) {
            allow(PolicyVariables.REQUESTER_CLASS, classes::contains, "one of the requesterClasses " + classes);
            allow(PolicyVariables.PURPOSE, v -> v.isEmpty() || purposes.contains(v),
                    "one of the purposes " + purposes + ", or '' for none stated");
            allow(PolicyVariables.LEGAL_BASIS, v -> v.isEmpty() || bases.contains(v),
                    "one of the legalBases " + bases + ", or '' for none cited");
            Set<String> interactions = new TreeSet<>();
            for (Interaction interaction : Interaction.values()) {
                interactions.add(interaction.name());
            }
            allow(PolicyVariables.INTERACTION, interactions::contains, "one of " + interactions);
            allow(PolicyVariables.RESOURCE_CONFIDENTIALITY, Set.of("U", "L", "M", "N", "R", "V")::contains,
                    "one of U, L, M, N, R, V");
            allow(PolicyVariables.RESOURCE_LABELS, v -> SecurityLabel.parse(v) != null,
                    "one of " + new TreeSet<>(SecurityLabel.aliases()) + " or system#code");
        }

        private void allow(String variable, Predicate<String> allowed, String hint) {
            allowedLiterals.put(variable, allowed);
            literalHints.put(variable, hint);
        }

        private PolicyEngine.CompiledRule rule(YamlNode node, Map<String, Integer> ids) {
            node.requireOnlyKeys(RULE_KEYS);
            YamlNode idNode = node.require("id");
            String id = idNode.text();
            if (!WORD.matcher(id).matches()) {
                throw idNode.error(PolicyError.DUPLICATE_RULE_ID.format(
                        "rule id '" + id + "' is not valid: use letters, digits, '.', '_' and '-'"));
            }
            if (PolicyEngine.BUILT_IN_RULES.contains(id)) {
                throw idNode.error(PolicyError.DUPLICATE_RULE_ID.format(
                        "rule id '" + id + "' is reserved for a built-in rule"));
            }
            Integer first = ids.putIfAbsent(id, idNode.line());
            if (first != null) {
                throw idNode.error(PolicyError.DUPLICATE_RULE_ID.format(
                        "duplicate rule id '" + id + "' (first used on line " + first + ")"));
            }
            String description = node.get("description") == null ? "" : node.get("description").text();
            Stage stage = stage(id, node.require("stage"));
            Outcome then = outcome(id, node.require("then"));

            Set<SecurityLabel> withhold = optionalField(node, id, "withhold", then,
                    Set.of(Outcome.REDACT), Set.of(Outcome.ESCALATE))
                    ? labels(node.get("withhold"), id, false) : Set.of();
            Set<SecurityLabel> obligations = optionalField(node, id, "obligations", then,
                    Set.of(), Set.of(Outcome.PERMIT, Outcome.REDACT, Outcome.ESCALATE))
                    ? labels(node.get("obligations"), id, true) : Set.of();
            String reason = optionalField(node, id, "reason", then, Set.of(Outcome.DENY), Set.of(Outcome.ESCALATE))
                    ? node.get("reason").text() : "";
            String reviewer = "";
            if (optionalField(node, id, "reviewer", then, Set.of(Outcome.ESCALATE), Set.of())) {
                YamlNode reviewerNode = node.get("reviewer");
                reviewer = reviewerNode.text();
                if (!WORD.matcher(reviewer).matches()) {
                    throw reviewerNode.error(PolicyError.RULE_SHAPE.format("rule '" + id + "': reviewer role '"
                            + reviewer + "' is not valid: use letters, digits, '.', '_' and '-'"));
                }
            }
            int approvals = 1;
            if (optionalField(node, id, "approvals", then, Set.of(), Set.of(Outcome.ESCALATE))) {
                YamlNode approvalsNode = node.get("approvals");
                String text = approvalsNode.text();
                if (text == null || !text.matches("[0-9]{1,3}") || Integer.parseInt(text) < 1
                        || Integer.parseInt(text) > Rule.MAX_APPROVALS) {
                    throw approvalsNode.error(PolicyError.RULE_SHAPE.format("rule '" + id + "': approvals '"
                            + text + "' is not valid: use 1 (one reviewer decides) or 2 (a second, different"
                            + " reviewer must also approve)"));
                }
                approvals = Integer.parseInt(text);
            }
            if (then == Outcome.REDACT && withhold.isEmpty()) {
                throw node.get("withhold").error(PolicyError.RULE_SHAPE.format(
                        "rule '" + id + "': a redact rule must withhold at least one label"));
            }

            YamlNode whenNode = node.require("when");
            String when = condition(whenNode, id);
            CelRuntime.Program program = compileCondition(id, stage, when, whenNode);
            Rule rule = new Rule(id, description, stage, when, then, withhold, obligations, reason, reviewer,
                    node.line(), approvals);
            return new PolicyEngine.CompiledRule(rule, program);
        }

        /**
         * Checks that a field fits the outcome: present when {@code requiredFor} contains it, allowed when
         * {@code allowedFor} contains it, refused otherwise.
         *
         * @return whether the field is present
         */
        private boolean optionalField(YamlNode rule, String id, String field, Outcome then,
                Set<Outcome> requiredFor, Set<Outcome> allowedFor) {
            YamlNode value = rule.get(field);
            if (value == null) {
                if (requiredFor.contains(then)) {
                    throw rule.error(PolicyError.RULE_SHAPE.format("rule '" + id + "': a " + then.word()
                            + " rule needs '" + field + "'" + purposeOf(field)));
                }
                return false;
            }
            if (!requiredFor.contains(then) && !allowedFor.contains(then)) {
                throw value.error(PolicyError.RULE_SHAPE.format("rule '" + id + "': '" + field
                        + "' does not apply to a " + then.word() + " rule"));
            }
            return true;
        }

        private static String purposeOf(String field) {
            return switch (field) {
                case "reason" -> " (the text shown to the requester)";
                case "reviewer" -> " (the reviewer role, for example caldicott-guardian)";
                case "withhold" -> " (the labels to withhold, for example [LOCIS])";
                default -> "";
            };
        }

        private Stage stage(String id, YamlNode node) {
            String word = node.text();
            for (Stage stage : Stage.values()) {
                if (stage.word().equals(word)) {
                    return stage;
                }
            }
            throw node.error(PolicyError.RULE_SHAPE.format(
                    "rule '" + id + "': unknown stage '" + word + "' (expected request or resource)"));
        }

        private Outcome outcome(String id, YamlNode node) {
            String word = node.text();
            for (Outcome outcome : Outcome.values()) {
                if (outcome.word().equals(word)) {
                    return outcome;
                }
            }
            throw node.error(PolicyError.RULE_SHAPE.format("rule '" + id + "': unknown outcome '" + word
                    + "' (expected permit, redact, deny or escalate)"));
        }

        private Set<SecurityLabel> labels(YamlNode node, String id, boolean obligations) {
            Set<SecurityLabel> labels = new LinkedHashSet<>();
            for (YamlNode item : node.items()) {
                String token = item.text();
                SecurityLabel label = obligations && OBLIGATION_NAMES.contains(token)
                        ? new SecurityLabel(Vocabulary.ACT_CODE, token)
                        : obligations ? explicit(token) : SecurityLabel.parse(token);
                if (label == null) {
                    String known = obligations ? new TreeSet<>(OBLIGATION_NAMES).toString()
                            : new TreeSet<>(SecurityLabel.aliases()).toString();
                    throw item.error(PolicyError.UNKNOWN_LABEL.format("rule '" + id + "': unknown "
                            + (obligations ? "obligation" : "label") + " '" + token + "': use one of " + known
                            + " or system#code"));
                }
                if (!labels.add(label)) {
                    throw item.error(PolicyError.POLICY_STRUCTURE.format("'" + token + "' is listed twice"));
                }
            }
            return labels;
        }

        private static SecurityLabel explicit(String token) {
            return token.indexOf('#') > 0 ? SecurityLabel.parse(token) : null;
        }

        private String condition(YamlNode whenNode, String id) {
            int line = whenNode.line();
            if (line > 0 && line <= lines.length && TAGGED_CONDITION.matcher(lines[line - 1]).find()) {
                throw whenNode.error(PolicyError.EXPRESSION_SYNTAX.format("rule '" + id + "': YAML reads a value"
                        + " starting with '!' as a tag; quote the condition or write it as a block (when: |)"));
            }
            return whenNode.text();
        }

        private CelRuntime.Program compileCondition(String id, Stage stage, String when, YamlNode whenNode) {
            CelCompiler compiler = PolicyVariables.compiler(stage);
            CelValidationResult parsed = compiler.parse(when);
            if (parsed.hasError()) {
                throw celError(whenNode, parsed.getErrors(), PolicyError.EXPRESSION_SYNTAX,
                        "rule '" + id + "': the condition is not a valid CEL expression: ");
            }
            CelAbstractSyntaxTree ast;
            try {
                CelValidationResult checked = compiler.check(parsed.getAst());
                if (checked.hasError()) {
                    if (stage == Stage.REQUEST && !PolicyVariables.compiler(Stage.RESOURCE).compile(when).hasError()) {
                        throw celError(whenNode, checked.getErrors(), PolicyError.RESOURCE_FACTS_AT_REQUEST_STAGE,
                                "rule '" + id + "': a request-stage rule is decided before the upstream call and"
                                        + " cannot use resource.*; use stage: resource: ");
                    }
                    List<String> unknown = unknownFields(parsed.getAst(), stage);
                    if (!unknown.isEmpty()) {
                        throw celError(whenNode, checked.getErrors(), PolicyError.EXPRESSION_TYPE,
                                "rule '" + id + "': unknown variable " + String.join(", ", unknown) + " (variables of "
                                        + stage.word() + "-stage rules: "
                                        + String.join(", ", PolicyVariables.variables(stage).keySet()) + "): ");
                    }
                    String hint = mentionsUndeclared(checked.getErrors())
                            ? " (variables of " + stage.word() + "-stage rules: "
                                    + String.join(", ", PolicyVariables.variables(stage).keySet()) + ")"
                            : "";
                    throw celError(whenNode, checked.getErrors(), PolicyError.EXPRESSION_TYPE,
                            "rule '" + id + "': the condition does not type-check: ", hint);
                }
                ast = checked.getAst();
            } catch (CelValidationException e) {
                throw whenNode.error(PolicyError.EXPRESSION_TYPE.format("rule '" + id + "': " + e.getMessage()));
            }
            checkLiterals(ast, id, whenNode);
            try {
                return PolicyVariables.runtime().createProgram(ast);
            } catch (CelEvaluationException e) {
                throw whenNode.error(PolicyError.EXPRESSION_TYPE.format(
                        "rule '" + id + "': the condition cannot be prepared: " + e.getMessage()));
            }
        }

        /**
         * The dotted names such as {@code requester.clas} that the condition uses but the stage does not declare
         * (CEL reports them as an undeclared reference to their first part).
         */
        private static List<String> unknownFields(CelAbstractSyntaxTree parsed, Stage stage) {
            Set<String> declared = PolicyVariables.variables(stage).keySet();
            Set<String> unknown = new java.util.TreeSet<>();
            new CelExprVisitor() {
                @Override
                protected void visit(CelExpr expr, CelExpr.CelSelect select) {
                    CelExpr operand = select.operand();
                    if (operand.getKind() == CelExpr.ExprKind.Kind.IDENT) {
                        String name = operand.ident().name() + "." + select.field();
                        String prefix = operand.ident().name() + ".";
                        boolean namespace = declared.stream().anyMatch(d -> d.startsWith(prefix));
                        if (namespace && !declared.contains(name)) {
                            unknown.add("'" + name + "'");
                        }
                    }
                    super.visit(expr, select);
                }
            }.visit(parsed);
            return List.copyOf(unknown);
        }

        private static boolean mentionsUndeclared(List<CelIssue> issues) {
            return issues.stream().anyMatch(i -> i.getMessage().startsWith("undeclared reference"));
        }

        private ConfigException celError(YamlNode whenNode, List<CelIssue> issues, PolicyError code,
                String prefix) {
            return celError(whenNode, issues, code, prefix, "");
        }

        private ConfigException celError(YamlNode whenNode, List<CelIssue> issues, PolicyError code,
                String prefix, String suffix) {
            List<String> messages = new ArrayList<>();
            int celLine = 1;
            for (CelIssue issue : issues) {
                if (messages.size() == MAX_REPORTED_ISSUES) {
                    break;
                }
                CelSourceLocation location = issue.getSourceLocation();
                if (messages.isEmpty() && location != null && location.getLine() > 0) {
                    celLine = location.getLine();
                }
                String where = location != null && location.getLine() > 0
                        ? " (column " + (location.getColumn() + 1) + ")" : "";
                messages.add(issue.getMessage().replace(" (in container '')", "") + where);
            }
            return new ConfigException(source, fileLine(whenNode, celLine),
                    code.format(prefix + String.join("; ", messages) + suffix));
        }

        /** The file line of line {@code celLine} of a condition: block scalars start on the next line. */
        private int fileLine(YamlNode whenNode, int celLine) {
            int line = whenNode.line();
            if (line > 0 && line <= lines.length && BLOCK_INDICATOR.matcher(lines[line - 1]).find()) {
                return line + Math.max(celLine, 1);
            }
            return line;
        }

        private void checkLiterals(CelAbstractSyntaxTree ast, String id, YamlNode whenNode) {
            CelSource celSource = ast.getSource();
            new CelExprVisitor() {
                @Override
                protected void visit(CelExpr expr, CelExpr.CelCall call) {
                    List<CelExpr> args = call.args();
                    String function = call.function();
                    if ((function.equals("_==_") || function.equals("_!=_")) && args.size() == 2) {
                        literal(variable(args.get(0)), args.get(1));
                        literal(variable(args.get(1)), args.get(0));
                    } else if (function.equals("@in") && args.size() == 2) {
                        String variable = variable(args.get(0));
                        if (variable != null && args.get(1).getKind() == CelExpr.ExprKind.Kind.LIST) {
                            for (CelExpr element : args.get(1).list().elements()) {
                                literal(variable, element);
                            }
                        }
                        literal(variable(args.get(1)), args.get(0));
                    }
                    super.visit(expr, call);
                }

                private String variable(CelExpr expr) {
                    return expr.getKind() == CelExpr.ExprKind.Kind.IDENT ? expr.ident().name() : null;
                }

                private void literal(String variable, CelExpr expr) {
                    if (variable == null || expr.getKind() != CelExpr.ExprKind.Kind.CONSTANT
                            || expr.constant().getKind() != CelConstant.Kind.STRING_VALUE) {
                        return;
                    }
                    Predicate<String> allowed = allowedLiterals.get(variable);
                    String value = expr.constant().stringValue();
                    if (allowed == null || allowed.test(value)) {
                        return;
                    }
                    int celLine = 1;
                    Integer offset = celSource.getPositionsMap().get(expr.id());
                    if (offset != null) {
                        celLine = celSource.getOffsetLocation(offset).map(CelSourceLocation::getLine).orElse(1);
                    }
                    PolicyError code = variable.equals(PolicyVariables.RESOURCE_LABELS)
                            ? PolicyError.UNKNOWN_LABEL : PolicyError.UNKNOWN_CODE;
                    throw new ConfigException(source, fileLine(whenNode, celLine), code.format("rule '" + id
                            + "': " + variable + " is compared with '" + value + "'; expected "
                            + literalHints.get(variable)));
                }
            }.visit(ast);
        }
    }

    /** Whom a limit or a requester's usual hours apply to: a class ({@code '*'} for all) or one requester. */
    private record Applies(String requesterClass, String requester) {}

    /**
     * Reads whom an entry applies to: exactly one of {@code class} (a declared requester class or {@code '*'}) and
     * {@code requester}, not given before in the same list.
     *
     * @param whoNames the start of the message for an entry naming both or neither ({@code "a limit names"})
     * @param thisEntryIs the start of the message for a repeated entry ({@code "this limit is"})
     */
    private static Applies applies(YamlNode item, Set<String> classes, Set<String> seen, String whoNames,
            String thisEntryIs) {
        YamlNode classNode = item.get("class");
        YamlNode requesterNode = item.get("requester");
        if ((classNode == null) == (requesterNode == null)) {
            throw item.error(PolicyError.POLICY_STRUCTURE.format(
                    whoNames + " either a class (or '*' for every outside requester) or a requester"));
        }
        String requesterClass = classNode == null ? "" : classNode.text();
        if (classNode != null && !Limit.ANY_CLASS.equals(requesterClass) && !classes.contains(requesterClass)) {
            throw classNode.error(PolicyError.UNKNOWN_CODE.format("'" + requesterClass
                    + "' is not one of the requesterClasses " + classes + " or '*'"));
        }
        String requester = requesterNode == null ? "" : requesterNode.text();
        if (!seen.add(requester.isEmpty() ? "class:" + requesterClass : "requester:" + requester)) {
            throw item.error(PolicyError.POLICY_STRUCTURE.format(thisEntryIs + " given twice"));
        }
        return new Applies(requesterClass, requester);
    }
}
