package io.moelab.cli;

import io.moelab.MoelabInputException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns failures into one line on stderr and docs/DESIGN.md's exit codes: 2 for bad input, 1 for an
 * internal error (with the stack trace only when MOELAB_DEBUG is set).
 */
final class ErrorHandler implements IExecutionExceptionHandler {
    static final int BAD_INPUT = 2;
    static final int INTERNAL_ERROR = 1;

    @Override
    public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
        // Spark hands a task's exception back as the cause of a SparkException.
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof MoelabInputException) {
                command.getErr().println("moelab " + command.getCommandName() + ": " + cause.getMessage());
                return BAD_INPUT;
            }
        }
        command.getErr()
                .println("moelab " + command.getCommandName() + ": internal error: " + e
                        + (System.getenv("MOELAB_DEBUG") == null ? " (set MOELAB_DEBUG=1 for the stack trace)" : ""));
        if (System.getenv("MOELAB_DEBUG") != null) {
            e.printStackTrace(command.getErr());
        }
        return INTERNAL_ERROR;
    }
}
