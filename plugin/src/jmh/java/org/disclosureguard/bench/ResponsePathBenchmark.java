package org.disclosureguard.bench;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.disclosureguard.gateway.FhirJson;
import org.disclosureguard.labels.LabelConfiguration;
import org.disclosureguard.labels.LabelCount;
import org.disclosureguard.labels.LabelPlan;
import org.disclosureguard.labels.ModelLabeller;
import org.disclosureguard.labels.TreeLabeller;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Resource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.slf4j.LoggerFactory;

/**
 * The cost, per response body, of the ways the guard can treat a FHIR JSON payload. Every operation starts from
 * the raw bytes an upstream server sent and ends with the bytes the guard would send on, so no operation reuses
 * state another has changed:
 *
 * <ul>
 *   <li>{@code hapiParseEncode}: HAPI's JSON parser to the R4 object model and back to bytes, nothing else (what
 *       any guard built on HAPI's model pays before doing any work);
 *   <li>{@code treeParseWrite}: {@link FhirJson} read to a Jackson tree and written back (the floor of a
 *       JSON-tree response path);
 *   <li>{@code treeLabel}: read, {@link TreeLabeller#label} with the default label configuration, write (the
 *       guard's response-path labelling);
 *   <li>{@code modelLabel}: HAPI parse, {@link ModelLabeller#label} (FHIRPath) with the same configuration,
 *       HAPI encode (the reference labeller on the model path).
 * </ul>
 *
 * <p>The payloads are read once per trial (see {@link Payload}). The setup labels each payload once with both
 * labellers and refuses to run if either labels a different number of resources than expected, if nothing is
 * labelled, or if the two disagree on the number of labelled elements, so a broken configuration cannot produce
 * flattering figures. One state per thread, because {@link ModelLabeller} is not
 * promised to be thread-safe.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ResponsePathBenchmark {

    @Param({"PDS_PATIENT", "SYNTHEA_PATIENT", "SYNTHEA_SEARCHSET_100", "SYNTHEA_SEARCHSET_1000"})
    public Payload payload;

    private FhirContext fhir;
    private FhirJson json;
    private TreeLabeller treeLabeller;
    private ModelLabeller modelLabeller;
    private byte[] body;

    @Setup(Level.Trial)
    public void load() throws IOException {
        quietLogging();
        fhir = FhirContext.forR4Cached();
        json = new FhirJson();
        LabelPlan plan = LabelConfiguration.defaults(fhir);
        treeLabeller = new TreeLabeller(plan);
        modelLabeller = new ModelLabeller(fhir, plan);
        body = payload.load(fhir, SharedData.directory());

        LabelCount tree = treeLabeller.label(json.readResource(body));
        LabelCount model = modelLabeller.label((Resource) fhir.newJsonParser().parseResource(
                new ByteArrayInputStream(body)));
        if (tree.resources() != payload.labelledResources() || model.resources() != payload.labelledResources()
                || tree.elements() == 0 || tree.elements() != model.elements()) {
            throw new IllegalStateException(payload + ": expected " + payload.labelledResources()
                    + " labelled resources; tree labeller: " + tree + ", model labeller: " + model);
        }
        System.out.printf("%n[payload] %s: %d bytes; tree labeller: %s; model labeller: %s%n",
                payload, body.length, tree, model);
    }

    @Benchmark
    public byte[] hapiParseEncode() throws IOException {
        IParser parser = fhir.newJsonParser();
        return encode(parser, parser.parseResource(new ByteArrayInputStream(body)));
    }

    @Benchmark
    public byte[] treeParseWrite() throws IOException {
        return json.write(json.readResource(body));
    }

    @Benchmark
    public byte[] treeLabel() throws IOException {
        ObjectNode resource = json.readResource(body);
        treeLabeller.label(resource);
        return json.write(resource);
    }

    @Benchmark
    public byte[] modelLabel() throws IOException {
        IParser parser = fhir.newJsonParser();
        Resource resource = (Resource) parser.parseResource(new ByteArrayInputStream(body));
        modelLabeller.label(resource);
        return encode(parser, resource);
    }

    /**
     * Keeps HAPI's start-up messages out of the JMH report: the root logger to WARN, and HAPI's notice that the
     * R4 structure definitions are not on the classpath (the FHIRPath engine does not need them here) to ERROR.
     * Does nothing if the logging backend is not Logback.
     */
    private static void quietLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
            logback.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.WARN);
            logback.getLogger("ca.uhn.fhir.context.support.DefaultProfileValidationSupport")
                    .setLevel(ch.qos.logback.classic.Level.ERROR);
        }
    }

    private static byte[] encode(IParser parser, IBaseResource resource) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try (Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
            parser.encodeResourceToWriter(resource, writer);
        }
        return out.toByteArray();
    }
}
