package io.moelab.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code moelab} command; each job is a subcommand. */
@Command(name = "moelab",
        mixinStandardHelpOptions = true,
        versionProvider = MoelabCli.ManifestVersion.class,
        description = "Study and compress Mixture-of-Experts models with Spark.")
public class MoelabCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new MoelabCli()).execute(args));
    }

    /** With no subcommand there is nothing to run: show what there is. */
    @Override
    public void run() {
        spec.commandLine().usage(System.out);
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
