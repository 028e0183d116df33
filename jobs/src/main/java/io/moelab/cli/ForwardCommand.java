package io.moelab.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.moelab.MoelabInputException;
import io.moelab.model.ForwardOptions;
import io.moelab.model.ForwardResult;
import io.moelab.model.MoeModel;
import io.moelab.moe.TokenBatch;
import io.moelab.routing.LayerRouting;
import io.moelab.routing.RoutingDecision;
import io.moelab.routing.RoutingRecorder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code moelab forward --model DIR --input-ids 1,200,33 --output out.json}: one sequence through
 * the model, written in the layout of the reference fixtures' {@code vectors.json}.
 */
@Command(
        name = "forward",
        mixinStandardHelpOptions = true,
        description = "Run one sequence through a model and write logits, routing and layer outputs as JSON.")
public final class ForwardCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "Model directory (config.json + *.safetensors).")
    Path model;

    @Option(names = "--input-ids", required = true, split = ",", description = "Token ids, comma-separated.")
    int[] inputIds;

    @Option(names = "--output", required = true, description = "JSON file to write.")
    Path output;

    @Override
    public Integer call() throws IOException {
        Path parent = output.toAbsolutePath().getParent();
        if (Files.isDirectory(output) || !Files.isDirectory(parent)) {
            throw new MoelabInputException(
                    "--output " + output + ": not a writable file path (is it a directory, or is its folder missing?)");
        }
        MoeModel moe = MoeModel.load(model);
        RoutingRecorder routing = new RoutingRecorder();
        ForwardResult result = moe.forward(
                TokenBatch.of(inputIds),
                ForwardOptions.builder().observe(routing).keepLayerOutputs(true).build());
        Path partial = parent.resolve(output.getFileName() + ".partial");
        try (JsonGenerator json = new JsonFactory().createGenerator(partial.toFile(), JsonEncoding.UTF8)) {
            write(json, moe, result, routing);
        }
        Files.move(partial, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        spec.commandLine()
                .getOut()
                .println("wrote " + output + " (" + inputIds.length + " tokens, "
                        + routing.layers().size() + " MoE layers)");
        return 0;
    }

    private void write(JsonGenerator json, MoeModel moe, ForwardResult result, RoutingRecorder routing)
            throws IOException {
        int hidden = moe.config().hiddenSize();
        int tokens = inputIds.length;
        json.writeStartObject();
        json.writeFieldName("input_ids");
        json.writeArray(inputIds, 0, tokens);
        json.writeFieldName("logits");
        json.writeStartArray();
        for (float[] row : result.logitsOf(0)) {
            floats(json, row, 0, row.length);
        }
        json.writeEndArray();
        json.writeFieldName("router_logits");
        json.writeStartArray();
        for (LayerRouting layer : routing.layers()) {
            int experts = layer.decision().numExperts();
            json.writeStartArray();
            for (int t = 0; t < tokens; t++) {
                floats(json, layer.routerLogits(), t * experts, experts);
            }
            json.writeEndArray();
        }
        json.writeEndArray();
        json.writeFieldName("topk_experts");
        perSlot(json, routing, (decision, t, slot) -> json.writeNumber(decision.expert(t, slot)));
        json.writeFieldName("topk_weights");
        perSlot(json, routing, (decision, t, slot) -> json.writeNumber(decision.gate(t, slot)));
        json.writeFieldName("layer_outputs");
        json.writeStartArray();
        for (float[] layer : result.layerOutputs()) {
            json.writeStartArray();
            for (int t = 0; t < tokens; t++) {
                floats(json, layer, t * hidden, hidden);
            }
            json.writeEndArray();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    /** Writes one value per routing slot, as [moe_layer][token][slot]. */
    private static void perSlot(JsonGenerator json, RoutingRecorder routing, SlotWriter value) throws IOException {
        json.writeStartArray();
        for (LayerRouting layer : routing.layers()) {
            RoutingDecision decision = layer.decision();
            json.writeStartArray();
            for (int t = 0; t < decision.tokens(); t++) {
                json.writeStartArray();
                for (int s = 0; s < decision.count(t); s++) {
                    value.write(decision, t, s);
                }
                json.writeEndArray();
            }
            json.writeEndArray();
        }
        json.writeEndArray();
    }

    @FunctionalInterface
    private interface SlotWriter {
        void write(RoutingDecision decision, int token, int slot) throws IOException;
    }

    private static void floats(JsonGenerator json, float[] values, int from, int count) {
        try {
            json.writeStartArray();
            for (int i = from; i < from + count; i++) {
                json.writeNumber(values[i]);
            }
            json.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
