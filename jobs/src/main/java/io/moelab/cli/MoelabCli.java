package io.moelab.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code moelab} command; each job is a subcommand. */
@Command(
        name = "moelab",
        mixinStandardHelpOptions = true,
        versionProvider = MoelabCli.ManifestVersion.class,
        description = "Study and compress Mixture-of-Experts models with Spark.",
        subcommands = {
            InspectCommand.class,
            ForwardCommand.class,
            CalibrateCommand.class,
            EvaluateCommand.class,
            ReplayCacheCommand.class,
            CompressCommand.class,
            CompressReportCommand.class,
            MergeModelsCommand.class,
            RandomCheckpointCommand.class
        })
public class MoelabCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(
                args,
                new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
                new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true)));
    }

    /** Runs a command line with the given streams and returns its exit code (0 ok, 2 bad input, 1 internal error). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new MoelabCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler(new ErrorHandler());
        return cli.execute(args);
    }

    /** With no subcommand there is nothing to run: show what there is. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version the shaded jar's manifest records; classes run outside the jar have none. */
    static final class ManifestVersion implements CommandLine.IVersionProvider {
        static final String UNPACKAGED_VERSION = "0.1.0-SNAPSHOT";

        @Override
        public String[] getVersion() {
            String version = MoelabCli.class.getPackage().getImplementationVersion();
            return new String[] {"moelab " + (version != null ? version : UNPACKAGED_VERSION)};
        }
    }
}
