package io.moelab.cli;

import io.moelab.compress.method.MethodParameter;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The command-line model of a command that mixes in {@link CompressOptions}: one option per
 * parameter of the compression methods registered there, so a method's flags come with its
 * registration; and a {@code --method} option, if the command has one, offers the registered
 * names as its completion candidates (which its description lists).
 */
final class CompressMethodOptions implements IModelTransformer {

    @Override
    public CommandSpec transform(CommandSpec command) {
        CompressOptions options = CompressOptions.of(command);
        OptionSpec method = command.findOption("--method");
        if (method != null) {
            command.remove(method);
            command.addOption(method.toBuilder()
                    .completionCandidates(options.methods().names())
                    .build());
        }
        for (MethodParameter<?> parameter : options.methods().parameters()) {
            command.addOption(OptionSpec.builder("--" + parameter.name())
                    .type(parameter.type())
                    .paramLabel("<" + MethodParameter.camelCase(parameter.name()) + ">")
                    .defaultValue(String.valueOf(parameter.defaultValue()))
                    .description(parameter.description())
                    .build());
        }
        return command;
    }
}
