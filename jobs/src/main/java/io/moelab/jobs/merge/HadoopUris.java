package io.moelab.jobs.merge;

import io.moelab.MoelabInputException;
import java.net.URI;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Tells the locations merge-models reads and writes apart: local paths (and {@code file:} URIs),
 * used in place, and URIs of other Hadoop file systems ({@code s3a://}), read and written through
 * Hadoop's {@code FileSystem}. Refuses URIs that carry credentials, which belong in the Hadoop
 * settings, without repeating them.
 */
final class HadoopUris {
    private static final Pattern URI_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*");
    private static final Pattern PORT = Pattern.compile(":[0-9]*");

    private HadoopUris() {}

    /** Whether {@code location} is a URI of a file system other than the local one. */
    static boolean isRemote(String location) {
        return URI_SCHEME.matcher(location).matches() && !location.regionMatches(true, 0, "file:", 0, 5);
    }

    /** A location that is not {@link #isRemote remote}, as a local path. */
    static Path localPath(String location) {
        return URI_SCHEME.matcher(location).matches() ? Path.of(URI.create(location)) : Path.of(location);
    }

    /**
     * Refuses a URI with user info ({@code s3a://KEY:SECRET@bucket/...}).
     *
     * @param what names the input in the message, e.g. {@code --output}
     * @throws MoelabInputException naming {@code what} and the URI with its user info masked
     */
    static void requireNoUserInfo(String what, String location) {
        int userInfoEnd = userInfoEnd(location);
        if (userInfoEnd >= 0) {
            String masked =
                    location.substring(0, location.indexOf("://") + 3) + "***" + location.substring(userInfoEnd);
            throw new MoelabInputException(what + " " + masked + ": credentials in a URI are refused (they would"
                    + " end up in logs and tables); give them as Hadoop settings, e.g. spark.hadoop.fs.s3a.access.key"
                    + " and spark.hadoop.fs.s3a.secret.key, or a credentials provider");
        }
    }

    /** Where the user info of a URI ends (its '@'), or -1 when it has none. */
    private static int userInfoEnd(String location) {
        if (!URI_SCHEME.matcher(location).matches()) {
            return -1;
        }
        int start = location.indexOf("://") + 3;
        int at = location.indexOf('@', start);
        if (at < 0) {
            return -1;
        }
        int slash = location.indexOf('/', start);
        if (slash < 0 || at < slash) {
            return at;
        }
        // A secret key may hold '/', which ends the authority early: KEY:SEC/RET@bucket. A host's
        // port is digits; anything else after a colon there is a credential.
        String authority = location.substring(start, slash);
        int colon = authority.indexOf(':');
        return colon >= 0 && !PORT.matcher(authority.substring(colon)).matches() ? at : -1;
    }
}
