package io.moelab.jobs.testing;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A stand-in for an unpacked Spark distribution ({@code SPARK_HOME}), made of links to the Spark
 * jars on the test classpath, for tests that start Spark's own JVMs: standalone masters and
 * workers, their executors, and {@code spark-submit}.
 *
 * <h2>Why a SPARK_HOME at all</h2>
 * A standalone worker does not start executors with its own classpath: it builds their command
 * with spark-launcher's {@code WorkerCommandBuilder}, whose classpath is
 * {@code spark.executor.extraClassPath}, {@code $SPARK_HOME/conf}, {@code $SPARK_HOME/jars/*} and
 * {@code $SPARK_DIST_CLASSPATH}. It takes {@code SPARK_HOME} from its environment (its working
 * directory when unset) and fails the executor launch with "Library directory '.../jars' does not
 * exist; make sure Spark is built" when {@code jars/} is missing. It also needs the Scala version,
 * read from {@code SPARK_SCALA_VERSION} or guessed from a source build's
 * {@code launcher/target/scala-2.1x} (absent here: "Cannot find any build directories"). So every
 * JVM started here gets {@code SPARK_HOME} = this folder and {@code SPARK_SCALA_VERSION=2.13}, and
 * runs on {@code -cp $SPARK_HOME/jars/*}: master, workers, executors and spark-submit all see the
 * same jars, as with a real distribution.
 *
 * <h2>Which jars</h2>
 * The test JVM's classpath (which Surefire and Failsafe set to the full test classpath, Spark's
 * {@code provided} jars included) without this project's own classes and jars, without the test
 * frameworks, and without the libraries that the job jar bundles and no Spark distribution ships
 * (ND4J, JavaCPP, DJL, picocli, hadoop-aws, the AWS SDK). Executors then load those from the
 * submitted jar, as on a real cluster. Links, not copies: nothing is duplicated on disk.
 *
 * <h2>Environment and JVM flags</h2>
 * Each JVM binds to 127.0.0.1 ({@code SPARK_LOCAL_IP}), runs ND4J's OpenMP with one passive thread
 * ({@code OMP_NUM_THREADS=1}, {@code OMP_WAIT_POLICY=PASSIVE}), opts out of DJL's telemetry, and
 * gets the {@code --add-opens}/{@code --add-exports} flags of the test JVM (the parent pom's
 * {@code moelab.jvm.opens}) plus {@link #nativeLibraryFlags(Path)}.
 */
public final class SparkDistribution {
    /** Path fragments (of jars in the local Maven repository) of what a Spark distribution lacks. */
    private static final List<String> NOT_IN_SPARK = List.of(
            "/io/moelab/",
            "/org/nd4j/",
            "/org/bytedeco/",
            "/ai/djl/",
            "/info/picocli/",
            "/org/apache/hadoop/hadoop-aws/",
            "/com/amazonaws/",
            "/software/amazon/",
            "/org/junit/",
            "/org/opentest4j/",
            "/org/apiguardian/");

    private static final String SCALA_VERSION = "2.13";

    private final Path home;
    private final Path projectRoot;

    private SparkDistribution(Path home, Path projectRoot) {
        this.home = home;
        this.projectRoot = projectRoot;
    }

    /**
     * Creates {@code home/jars} with a link to each Spark jar of this JVM's classpath.
     *
     * @param projectRoot the checkout; classpath entries under it (moelab's own) are left out
     */
    public static SparkDistribution create(Path home, Path projectRoot) throws IOException {
        Path jars = Files.createDirectories(home.resolve("jars"));
        List<Path> sparkJars = sparkJars(projectRoot.toAbsolutePath().normalize());
        if (sparkJars.stream().noneMatch(jar -> jar.getFileName().toString().startsWith("spark-core_"))) {
            throw new IllegalStateException(
                    "no spark-core jar on the test classpath: " + System.getProperty("java.class.path"));
        }
        for (Path jar : sparkJars) {
            Path link = jars.resolve(jar.getFileName());
            if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, jar);
            }
        }
        return new SparkDistribution(home.toAbsolutePath(), projectRoot);
    }

    private static List<Path> sparkJars(Path projectRoot) {
        return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> entry.endsWith(".jar"))
                .map(entry -> Path.of(entry).toAbsolutePath().normalize())
                .filter(Files::isRegularFile)
                .filter(jar -> !jar.startsWith(projectRoot))
                .filter(jar -> NOT_IN_SPARK.stream()
                        .noneMatch(fragment -> jar.toString().contains(fragment)))
                .distinct()
                .collect(Collectors.toList());
    }

    /** The {@code SPARK_HOME} folder. */
    public Path home() {
        return home;
    }

    /** How many jars the distribution has. */
    public long jarCount() throws IOException {
        try (Stream<Path> jars = Files.list(home.resolve("jars"))) {
            return jars.count();
        }
    }

    /** The environment of every Spark JVM: this distribution, loopback only, one passive OpenMP thread. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SPARK_HOME", home.toString());
        env.put("SPARK_SCALA_VERSION", SCALA_VERSION);
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("OMP_NUM_THREADS", "1");
        env.put("OMP_WAIT_POLICY", "PASSIVE");
        env.put("OPENBLAS_NUM_THREADS", "1");
        env.put("OPT_OUT_TRACKING", "true");
        return env;
    }

    /** The module flags Spark needs on Java 17: those this JVM was started with. */
    public static List<String> moduleFlags() {
        List<String> flags = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(arg -> arg.startsWith("--add-opens") || arg.startsWith("--add-exports"))
                .collect(Collectors.toList());
        if (flags.isEmpty()) {
            throw new IllegalStateException("the test JVM has no --add-opens flags; run the tests through Maven "
                    + "(the parent pom's moelab.jvm.opens)");
        }
        return flags;
    }

    /**
     * Where JavaCPP keeps ND4J's extracted natives (the test JVM's own cache, so they are
     * extracted once), DJL offline, and JNA's scratch folder under {@code scratch}.
     */
    public static List<String> nativeLibraryFlags(Path scratch) {
        return List.of(
                "-Dorg.bytedeco.javacpp.cachedir="
                        + System.getProperty(
                                "org.bytedeco.javacpp.cachedir",
                                Path.of(System.getProperty("user.home"), ".javacpp", "cache")
                                        .toString()),
                "-Doffline=true",
                "-Djna.tmpdir=" + scratch.resolve("jna"));
    }

    /**
     * A {@code java} command on this distribution's jars: {@code heap} (e.g. {@code 512m}), the
     * module flags, {@code jvmFlags}, then the main class and its arguments.
     */
    public ProcessBuilder java(String heap, List<String> jvmFlags, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        command.addAll(moduleFlags());
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(home.resolve("jars") + File.separator + "*");
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(projectRoot.toFile());
        builder.environment().putAll(environment());
        return builder;
    }
}
