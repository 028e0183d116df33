package io.moelab.cli;

import java.nio.file.Path;

/**
 * What every command falls back on when a user names nothing: the bundled model and data under
 * moelab's home (the checkout, as {@code bin/moelab} passes it) and the local warehouse folder.
 * Option annotations and code read these constants, so each default is written once.
 */
final class BundledDefaults {
    /** System property {@code bin/moelab} sets to the checkout; the working directory when unset. */
    static final String HOME_PROPERTY = "moelab.home";

    static final String MODEL = "models/trained-moe";
    static final String CALIBRATION_DATA = "datasets/calibration-mix";
    static final String WAREHOUSE = "warehouse";
    static final String TASKS = "tasks/bundled";

    private BundledDefaults() {}

    static Path home() {
        return Path.of(System.getProperty(HOME_PROPERTY, "."));
    }

    /** {@code explicit} when given, else the bundled model under the home. */
    static String model(String explicit) {
        return explicit != null ? explicit : home().resolve(MODEL).toString();
    }

    static String calibrationData() {
        return home().resolve(CALIBRATION_DATA).toString();
    }
}
