package io.moelab.jobs.warehouse;

import io.moelab.MoelabInputException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A table's schema version, {@code major.minor}. A minor change only adds nullable columns, so
 * files of any minor version read under the current schema (missing columns read as null); a major
 * change renames, removes or retypes a column, and readers reject a major version they do not know.
 */
public record SchemaVersion(int major, int minor) {
    private static final Pattern FORMAT = Pattern.compile("(\\d+)\\.(\\d+)");

    public SchemaVersion {
        if (major < 0 || minor < 0) {
            throw new IllegalArgumentException("schema version parts must be >= 0: " + major + "." + minor);
        }
    }

    /** Parses {@code "major.minor"}; {@code source} names where the text came from, for the error. */
    public static SchemaVersion parse(String text, String source) {
        Matcher m = text == null ? null : FORMAT.matcher(text.trim());
        if (m == null || !m.matches()) {
            throw new MoelabInputException(source + ": schema version '" + text + "' is not of the form major.minor");
        }
        return new SchemaVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
