package io.moelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.compress.CompressedLayer;
import io.moelab.compress.CompressionContext;
import io.moelab.compress.CompressionMethod;
import io.moelab.compress.LayerCalibration;
import io.moelab.compress.MoeLayerWeights;
import io.moelab.compress.method.CompressionMethodRegistry;
import io.moelab.compress.method.McSmoe;
import io.moelab.compress.method.MethodDescriptor;
import io.moelab.compress.method.MethodParameter;
import io.moelab.compress.method.SubMoe;
import io.moelab.jobs.compress.CompressionConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** The compress commands' method options come from the method registry: the built-ins as before, and a new one. */
class CompressMethodOptionsTest {
    private static final MethodParameter<Integer> TOY_KNOB =
            new MethodParameter<>("toy-knob", Integer.class, 1, "Toy: how far to turn (default: 1).");

    /** A method defined here, registered at run time: its own class, its own knob, nothing else. */
    record ToyMethod(int knob) implements CompressionMethod {
        static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(
                "toy", List.of(TOY_KNOB), (values, context) -> new ToyMethod(values.get(TOY_KNOB)));

        @Override
        public String name() {
            return DESCRIPTOR.name();
        }

        @Override
        public Map<String, Object> parameters() {
            return Map.of("knob", knob);
        }

        @Override
        public CompressedLayer compress(
                MoeLayerWeights layer, LayerCalibration calibration, CompressionContext context) {
            throw new UnsupportedOperationException("toy");
        }
    }

    private static String help(CommandLine cli) {
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        assertEquals(0, cli.execute("--help"));
        return out.toString().replaceAll("\\s+", " ");
    }

    @Test
    void aRegisteredMethodGetsItsFlagAndItsPlaceInTheHelp() {
        CompressionMethodRegistry methods = CompressionMethodRegistry.builtIn();
        methods.register(ToyMethod.DESCRIPTOR);
        CompressCommand command = new CompressCommand(methods);
        CommandLine cli = new CommandLine(command);

        cli.parseArgs("--method", "toy", "--toy-knob", "7", "--output", "out");
        CompressionConfig config = command.options.config(command.method, command.output, "toy-run");
        assertEquals(
                new ToyMethod(7), methods.create(config.method(), config.methodParameters(), config.methodContext()));

        cli.parseArgs("--method", "toy", "--output", "out");
        config = command.options.config(command.method, command.output, "toy-run");
        assertEquals(
                new ToyMethod(1), methods.create(config.method(), config.methodParameters(), config.methodContext()));

        String help = help(cli);
        assertTrue(help.contains("--toy-knob=<toyKnob> Toy: how far to turn (default: 1)."), help);
        assertTrue(
                help.contains("Compression method: frequency, random, naee, uniform, m-smoe, mc-smoe, sub-moe, dern, "
                        + "mixed-precision, toy."),
                help);
    }

    @Test
    void builtInFlagsAndDefaultsAreAsBefore() {
        for (Object command : List.of(new CompressCommand(), new CompressReportCommand())) {
            CommandLine cli = new CommandLine(command);
            cli.parseArgs(
                    command instanceof CompressCommand
                            ? new String[] {"--method", "frequency", "--output", "o"}
                            : new String[] {"--output-root", "o"});
            CommandSpec spec = cli.getCommandSpec();
            assertEquals(0, (int) spec.findOption("--rank").getValue());
            assertEquals(0.05, (double) spec.findOption("--sparse-share").getValue());
            assertEquals(3.0, (double) spec.findOption("--average-bits").getValue());
            assertEquals(128, (int) spec.findOption("--naee-batch-tokens").getValue());
            assertEquals(0L, (long) spec.findOption("--seed").getValue());

            String help = help(cli);
            for (String line : List.of(
                    "--average-bits=<averageBits> Mixed precision: average bits per expert weight " + "(default: 3.0).",
                    "--naee-batch-tokens=<naeeBatchTokens> NAEE: tokens per batch of the summed reconstruction error "
                            + "(default: 128).",
                    "--rank=<rank> MC-SMoE / Sub-MoE rank (default: the method's own).",
                    "--seed=<seed> Document order, random pruning, K-means (default: 0).",
                    "--sparse-share=<sparseShare> MC-SMoE: share of entries in the sparse residual (default: 0.05).")) {
                assertTrue(help.contains(line), help);
            }
        }
        assertTrue(help(new CommandLine(new CompressCommand()))
                .contains("--method=<method> Compression method: "
                        + "frequency, random, naee, uniform, m-smoe, mc-smoe, sub-moe, dern, mixed-precision."));
    }

    @Test
    void parsedFlagsReachTheMethods() {
        CompressCommand command = new CompressCommand();
        new CommandLine(command)
                .parseArgs(
                        "--method", "sub-moe", "--output", "o", "--rank", "5", "--sparse-share", "0.1", "--seed", "3");
        CompressionConfig config = command.options.config(command.method, command.output, "run");
        CompressionMethodRegistry methods = command.options.methods();
        assertEquals(3L, config.methodContext().seed());
        assertEquals(
                new SubMoe(config.methodContext().clustering(), 3, 5).parameters(),
                methods.create("sub-moe", config.methodParameters(), config.methodContext())
                        .parameters());
        assertEquals(
                new McSmoe(5, 0.1).parameters(),
                methods.create("mc-smoe", config.methodParameters(), config.methodContext())
                        .parameters());
    }

    @Test
    void aMethodFlagThatCollidesWithACommandOptionFailsAtStartUp() {
        CompressionMethodRegistry methods = CompressionMethodRegistry.builtIn();
        MethodParameter<Long> seed = new MethodParameter<>("seed", Long.class, 0L, "A method's own seed.");
        methods.register(new MethodDescriptor("seeded", List.of(seed), (values, context) -> new ToyMethod(0)));
        assertThrows(
                CommandLine.DuplicateOptionAnnotationsException.class,
                () -> new CommandLine(new CompressCommand(methods)));
    }
}
