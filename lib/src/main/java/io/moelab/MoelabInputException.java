package io.moelab;

/**
 * Bad user input: a file, flag or config value that moelab cannot use. The message names the
 * input (file, tensor, field) and what was expected; the CLI prints it on one line and exits 2.
 */
public class MoelabInputException extends RuntimeException {
    public MoelabInputException(String message) {
        super(message);
    }

    public MoelabInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
