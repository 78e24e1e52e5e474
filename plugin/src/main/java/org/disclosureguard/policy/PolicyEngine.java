package org.disclosureguard.policy;

import dev.cel.runtime.CelRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.disclosureguard.config.ConfigException;
import org.disclosureguard.labels.SecurityLabel;
import org.disclosureguard.redaction.Redaction;

/**
 * A compiled policy: decides requests and resources by its ordered rules.
 *
 * <h2>The combining algorithm: most restrictive wins, default deny</h2>
 *
 * <p>This is the one place the algorithm is defined; {@code docs/policy.md} explains it with examples.
 *
 * <ol>
 *   <li><b>Which rules.</b> {@link #decideRequest} evaluates the request-stage rules. {@link #decideResource}
 *       evaluates the request-stage <em>and</em> the resource-stage rules, so a resource's decision stands on its
 *       own. Rules are evaluated in file order; every rule of the stage is evaluated and recorded in the trace.</li>
 *   <li><b>Undeclared codes.</b> Before any rule, a requester class that the policy does not declare, or a purpose
 *       of use or legal basis that is stated but not declared, gives DENY by the built-in rule
 *       {@value #UNDECLARED_CODE} ({@link PolicyError#UNDECLARED_CODE}).</li>
 *   <li><b>Errors fail closed.</b> If a condition cannot be evaluated (for example a missing map key), evaluation
 *       stops and the decision is DENY by that rule with {@link PolicyError#EVALUATION_FAILED}.</li>
 *   <li><b>Outcome.</b> Among the matching rules, the most restrictive outcome wins:
 *       DENY &gt; ESCALATE &gt; REDACT &gt; PERMIT. The deciding rule is the <em>first</em> matching rule (in file
 *       order) with that outcome; its {@code reason} or {@code reviewer} is the decision's.</li>
 *   <li><b>Withheld labels.</b> REDACT withholds the union of the {@code withhold} labels of all matching redact
 *       rules. ESCALATE proposes to the reviewer the union of the {@code withhold} labels of all matching escalate
 *       and redact rules. PERMIT and DENY withhold nothing (DENY releases nothing at all).</li>
 *   <li><b>Obligations.</b> Unless the outcome is DENY, the union of the {@code obligations} of all matching permit,
 *       redact and escalate rules.</li>
 *   <li><b>Default deny.</b> If no rule matches, DENY by the built-in rule {@value #DEFAULT_DENY}
 *       ({@link PolicyError#DENIED_BY_DEFAULT}). Internal requesters are no exception: they are decided by rules
 *       like everyone else.</li>
 * </ol>
 *
 * <p>Consequences, each held by a test: a matching deny rule cannot be overridden by any permit rule added anywhere;
 * adding a permit rule changes a decision only where no other rule matched; decisions are deterministic; every
 * decision names a rule and the policy version.
 *
 * <p>Immutable and thread-safe; conditions are compiled once, when the policy is loaded. An evaluation costs a few
 * microseconds per rule.
 */
public final class PolicyEngine {

    /** The built-in rule that decides when no rule matches. */
    public static final String DEFAULT_DENY = "default-deny";

    /** The built-in rule that refuses a requester class, purpose or legal basis the policy does not declare. */
    public static final String UNDECLARED_CODE = "undeclared-code";

    /** The ids no policy rule may use. */
    public static final Set<String> BUILT_IN_RULES = Set.of(DEFAULT_DENY, UNDECLARED_CODE);

    /** The classpath resource holding the default policy shipped with the guard. */
    public static final String DEFAULT_RESOURCE = "org/disclosureguard/policy/default-policy.yaml";

    static final String DEFAULT_DENY_REASON = "No rule of the practice's disclosure policy allows this request."
            + " If you believe it should be allowed, contact the practice with your case reference.";
    static final String EVALUATION_FAILED_REASON = "The request could not be decided, so it is refused."
            + " Quote " + PolicyError.EVALUATION_FAILED.code() + " when you contact the practice.";

    /** A rule and its compiled condition. */
    record CompiledRule(Rule rule, CelRuntime.Program condition) {}

    private final String source;
    private final String version;
    private final String description;
    private final Set<String> requesterClasses;
    private final Set<String> purposes;
    private final Set<String> legalBases;
    private final List<CompiledRule> rules;
    private final List<Limit> limits;
    private final TracingThresholds tracing;

    PolicyEngine(String source, String version, String description, Set<String> requesterClasses,
            Set<String> purposes, Set<String> legalBases, List<CompiledRule> rules) {
        this(source, version, description, requesterClasses, purposes, legalBases, rules, List.of());
    }

    PolicyEngine(String source, String version, String description, Set<String> requesterClasses,
            Set<String> purposes, Set<String> legalBases, List<CompiledRule> rules, List<Limit> limits) {
        this(source, version, description, requesterClasses, purposes, legalBases, rules, limits,
                TracingThresholds.OFF);
    }

    PolicyEngine(String source, String version, String description, Set<String> requesterClasses,
            Set<String> purposes, Set<String> legalBases, List<CompiledRule> rules, List<Limit> limits,
            TracingThresholds tracing) {
        this.limits = List.copyOf(limits);
        this.tracing = Objects.requireNonNull(tracing, "tracing");
        this.source = source;
        this.version = version;
        this.description = description;
        this.requesterClasses = requesterClasses;
        this.purposes = purposes;
        this.legalBases = legalBases;
        this.rules = List.copyOf(rules);
    }

    /**
     * Compiles a policy from the bytes of a policy file.
     *
     * @param source a name for the file used in error messages
     * @throws ConfigException if the policy is not valid; the message names the line and a DG-20xx code
     */
    public static PolicyEngine compile(String source, byte[] policyFile) {
        return PolicyCompiler.compile(Objects.requireNonNull(source, "source"),
                Objects.requireNonNull(policyFile, "policyFile"));
    }

    /**
     * Reads and compiles a policy file.
     *
     * @throws ConfigException if the file cannot be read or is not valid
     */
    public static PolicyEngine load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0,
                    PolicyError.POLICY_UNREADABLE.format("cannot be read (" + e.getClass().getSimpleName() + ")"));
        }
        return compile(file.toString(), bytes);
    }

    /** Compiles the default policy shipped with the guard ({@value #DEFAULT_RESOURCE}). */
    public static PolicyEngine defaults() {
        return compile(DEFAULT_RESOURCE, defaultPolicyBytes());
    }

    /** The bytes of the default policy file. */
    public static byte[] defaultPolicyBytes() {
        try (InputStream in = PolicyEngine.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new ConfigException(DEFAULT_RESOURCE, 0,
                        PolicyError.POLICY_UNREADABLE.format("the default policy is missing from the classpath"));
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ConfigException(DEFAULT_RESOURCE, 0, PolicyError.POLICY_UNREADABLE.format("cannot be read"));
        }
    }

    /**
     * Decides a request before any upstream call, from the request context alone. A DENY here means the request is
     * refused without contacting the practice server. Any other outcome means: fetch, then decide each resource
     * with {@link #decideResource} (ESCALATE: fetch, hold and release nothing until reviewed).
     */
    public Decision decideRequest(RequestContext context) {
        return decide(Stage.REQUEST, Objects.requireNonNull(context, "context"), null);
    }

    /**
     * Decides one resource about to be released: the request-stage and resource-stage rules together, by the same
     * combining algorithm.
     */
    public Decision decideResource(RequestContext context, ResourceFacts facts) {
        return decide(Stage.RESOURCE, Objects.requireNonNull(context, "context"),
                Objects.requireNonNull(facts, "facts"));
    }

    private Decision decide(Stage stage, RequestContext context, ResourceFacts facts) {
        String undeclared = undeclared(context);
        if (undeclared != null) {
            List<RuleEvaluation> trace = List.of(new RuleEvaluation(UNDECLARED_CODE, stage, Outcome.DENY,
                    RuleEvaluation.Result.MATCHED, undeclared));
            return deny(stage, UNDECLARED_CODE, PolicyError.UNDECLARED_CODE, "The practice's disclosure policy"
                    + " does not recognise the " + undeclared + ". Use a code your registration with the practice"
                    + " allows.", trace);
        }
        Map<String, Object> activation = PolicyVariables.activation(context, facts);
        List<RuleEvaluation> trace = new ArrayList<>();
        List<Rule> matched = new ArrayList<>();
        for (CompiledRule compiled : rules) {
            Rule rule = compiled.rule();
            if (rule.stage() == Stage.RESOURCE && stage == Stage.REQUEST) {
                continue;
            }
            Object result;
            try {
                result = compiled.condition().eval(activation);
            } catch (Exception e) {
                result = e;
            }
            if (!(result instanceof Boolean matches)) {
                String detail = result instanceof Exception e
                        ? "the condition could not be evaluated: " + e.getMessage()
                        : "the condition did not give true or false";
                trace.add(new RuleEvaluation(rule.id(), rule.stage(), rule.then(), RuleEvaluation.Result.ERROR,
                        detail));
                return deny(stage, rule.id(), PolicyError.EVALUATION_FAILED, EVALUATION_FAILED_REASON, trace);
            }
            trace.add(new RuleEvaluation(rule.id(), rule.stage(), rule.then(),
                    matches ? RuleEvaluation.Result.MATCHED : RuleEvaluation.Result.NOT_MATCHED, ""));
            if (matches) {
                matched.add(rule);
            }
        }
        if (matched.isEmpty()) {
            trace.add(new RuleEvaluation(DEFAULT_DENY, stage, Outcome.DENY, RuleEvaluation.Result.MATCHED,
                    "no rule matched"));
            return deny(stage, DEFAULT_DENY, PolicyError.DENIED_BY_DEFAULT, DEFAULT_DENY_REASON, trace);
        }
        return combine(stage, facts, matched, trace);
    }

    private Decision combine(Stage stage, ResourceFacts facts, List<Rule> matched, List<RuleEvaluation> trace) {
        Outcome outcome = Outcome.PERMIT;
        for (Rule rule : matched) {
            if (rule.then().isMoreRestrictiveThan(outcome)) {
                outcome = rule.then();
            }
        }
        Rule decider = null;
        for (Rule rule : matched) {
            if (rule.then() == outcome) {
                decider = rule;
                break;
            }
        }
        Objects.requireNonNull(decider);
        if (outcome == Outcome.DENY) {
            return deny(stage, decider.id(), PolicyError.DENIED_BY_RULE, decider.reason(), trace);
        }
        Set<SecurityLabel> withheld = new LinkedHashSet<>();
        Set<SecurityLabel> obligations = new LinkedHashSet<>();
        for (Rule rule : matched) {
            if (outcome != Outcome.PERMIT && (rule.then() == Outcome.REDACT || rule.then() == Outcome.ESCALATE)) {
                withheld.addAll(rule.withhold());
            }
            obligations.addAll(rule.obligations());
        }
        Redaction redaction = withheld.isEmpty() ? Redaction.none() : Redaction.withholding(withheld);
        Set<SecurityLabel> released = new LinkedHashSet<>();
        if (facts != null && outcome != Outcome.ESCALATE) {
            released.addAll(facts.labels());
            released.removeAll(withheld);
        }
        String reason = "";
        String reviewer = "";
        PolicyError code = null;
        int approvals = 1;
        if (outcome == Outcome.ESCALATE) {
            reviewer = decider.reviewer();
            for (Rule rule : matched) {
                if (rule.then() == Outcome.ESCALATE) {
                    approvals = Math.max(approvals, rule.approvals());
                }
            }
            code = PolicyError.ESCALATED;
            reason = decider.reason().isEmpty()
                    ? "The request has been referred to the practice (" + reviewer + ") for review; nothing is"
                            + " released until they have decided."
                    : decider.reason();
        }
        return new Decision(outcome, decider.id(), version, stage, redaction, released, obligations, reason,
                reviewer, code, trace, approvals);
    }

    private Decision deny(Stage stage, String ruleId, PolicyError code, String reason, List<RuleEvaluation> trace) {
        return new Decision(Outcome.DENY, ruleId, version, stage, Redaction.none(), Set.of(), Set.of(), reason, "",
                code, trace);
    }

    /** What is undeclared, as words for the requester, or {@code null} if everything is declared. */
    private String undeclared(RequestContext context) {
        if (!requesterClasses.contains(context.requester().requesterClass())) {
            return "requester class '" + context.requester().requesterClass() + "'";
        }
        if (!context.purposeOfUse().isEmpty() && !purposes.contains(context.purposeOfUse())) {
            return "purpose of use '" + context.purposeOfUse() + "'";
        }
        if (!context.legalBasis().isEmpty() && !legalBases.contains(context.legalBasis())) {
            return "legal basis '" + context.legalBasis() + "'";
        }
        return null;
    }

    /** {@code sha256:} and the hex digest of the policy file's bytes. */
    public String version() {
        return version;
    }

    /** The name of the file (or resource) the policy was read from. */
    public String source() {
        return source;
    }

    /** The policy's description, or empty. */
    public String description() {
        return description;
    }

    /** The rules, in file order. */
    public List<Rule> rules() {
        return rules.stream().map(CompiledRule::rule).toList();
    }

    /** The rules with their compiled conditions, in file order. */
    List<CompiledRule> compiledRules() {
        return rules;
    }

    /** The rule with this id, if the policy has one. */
    public Optional<Rule> rule(String id) {
        return rules.stream().map(CompiledRule::rule).filter(r -> r.id().equals(id)).findFirst();
    }

    /** The limits of the policy file, in file order. */
    public List<Limit> limits() {
        return limits;
    }

    /**
     * The limit for a requester: the most specific that applies (by requester id, then by class, then
     * {@code '*'}), or {@link Limit#NONE}; always {@link Limit#NONE} for the practice's own requesters.
     */
    public Limit limitFor(Requester requester) {
        if (requester.internal()) {
            return Limit.NONE;
        }
        Limit chosen = Limit.NONE;
        int best = -1;
        for (Limit limit : limits) {
            if (limit.appliesTo(requester) && limit.specificity() > best) {
                chosen = limit;
                best = limit.specificity();
            }
        }
        return chosen;
    }

    /** The tracing thresholds of the policy file ({@link TracingThresholds#OFF} when it has no {@code tracing:}). */
    public TracingThresholds tracing() {
        return tracing;
    }

    /**
     * How many rule conditions this policy compiled: each is compiled once, when the policy is loaded, and kept with
     * this engine, so a reload replaces them all at once (there is no separate cache of compiled expressions).
     */
    public int compiledRuleCount() {
        return rules.size();
    }

    /** The declared requester classes, in file order. */
    public Set<String> requesterClasses() {
        return requesterClasses;
    }

    /** The declared purposes of use, in file order. */
    public Set<String> purposes() {
        return purposes;
    }

    /** The declared legal bases, in file order. */
    public Set<String> legalBases() {
        return legalBases;
    }

    @Override
    public String toString() {
        return "PolicyEngine[" + source + ", " + version + ", " + rules.size() + " rules]";
    }
}
