package io.moelab.jobs.warehouse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The moelab version and git commit this build was made from, for the {@code runs} table. Maven
 * writes them into {@code moelab-build.properties}; a value Maven did not fill in (a run from an
 * IDE's unfiltered resources) reads as {@value #UNKNOWN}.
 */
public final class BuildInfo {
    public static final String UNKNOWN = "unknown";
    private static final String RESOURCE = "moelab-build.properties";
    private static final Properties PROPERTIES = load();

    private BuildInfo() {}

    public static String version() {
        return value("moelab.version");
    }

    public static String gitCommit() {
        return value("moelab.git.commit");
    }

    private static String value(String key) {
        String value = PROPERTIES.getProperty(key, "").trim();
        return value.isEmpty() || value.startsWith("${") ? UNKNOWN : value;
    }

    private static Properties load() {
        Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/io/moelab/jobs/" + RESOURCE)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE + " from the moelab jar", e);
        }
        return properties;
    }
}
