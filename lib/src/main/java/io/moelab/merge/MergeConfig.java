package io.moelab.merge;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.moelab.MoelabInputException;
import io.moelab.model.checkpoint.DType;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * A model-merging config in mergekit's YAML layout:
 * <pre>
 * merge_method: ties            # linear | task_arithmetic | ties | dare_linear | dare_ties
 * base_model: ./base            # required except for linear
 * models:
 *   - model: ./math-sft         # relative paths resolve against the YAML file's folder
 *   - model: s3a://bucket/models/code-sft   # or a URI of a Hadoop file system
 *     parameters: {weight: 0.6, density: 0.5}
 *   - model: ./code-sft
 * parameters:                   # defaults for every model, and the method's settings
 *   weight: 0.4
 *   density: 0.7
 *   lambda: 1.0
 *   normalize: true
 *   rescale: paper              # DARE only: paper (1/(1-p)) or l1
 *   seed: 0                     # DARE only
 * dtype: bfloat16               # output dtype (default: each tensor's dtype in the base)
 * </pre>
 * mergekit's {@code dtype} is also its compute dtype; moelab always computes in double, so here
 * it only sets how the result is stored.
 * As in mergekit, {@code weight} is required (per model or as the default), {@code density}
 * defaults to 1, {@code lambda} to 1, {@code normalize} to the method's default
 * ({@link MergeMethodName#defaultNormalize()}), and for task-vector methods a {@code models:}
 * entry that is the base model itself is left out (mergekit configs often list it without
 * parameters). moelab adds {@code rescale} ({@code paper}, the default, or {@code l1}) and
 * {@code seed} (default 0) for DARE. A parameter the method does not read, an unknown field, a
 * missing required one or a bad value is a {@link MoelabInputException} naming the file and the
 * field. A model is a local directory or a URI ({@code scheme://...}), kept as written: reading it
 * is the job's business (merge-models stages {@code s3a://} checkpoints on each executor). A YAML
 * file that itself lives at a URI ({@link #parse(String, URI)}) resolves relative paths against its
 * folder on the same file system.
 *
 * @param source     the YAML file, for messages
 * @param baseModel  absolute path or URI of the base checkpoint; null only for {@code linear} without one
 * @param models     the models to merge, the base left out for task-vector methods
 * @param dtype      the output dtype; null keeps each tensor's dtype in the base
 */
public record MergeConfig(
        String source,
        MergeMethodName method,
        String baseModel,
        List<MergeModel> models,
        double lambda,
        boolean normalize,
        DareRescale rescale,
        long seed,
        DType dtype)
        implements Serializable {

    public static final double DEFAULT_LAMBDA = 1.0;
    public static final double DEFAULT_DENSITY = 1.0;
    public static final DareRescale DEFAULT_RESCALE = DareRescale.PAPER;
    public static final long DEFAULT_SEED = 0;

    private static final List<String> TOP_FIELDS =
            List.of("merge_method", "base_model", "models", "parameters", "dtype");
    private static final List<String> MODEL_FIELDS = List.of("model", "parameters");
    private static final Pattern URI_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*");
    private static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    public MergeConfig {
        models = List.copyOf(models);
    }

    /** Reads and checks the YAML file. */
    public static MergeConfig load(Path yaml) {
        String text;
        try {
            text = Files.readString(yaml);
        } catch (IOException e) {
            throw new MoelabInputException(yaml + ": cannot read the merge config: " + e.getMessage(), e);
        }
        return parse(text, yaml.toAbsolutePath().normalize());
    }

    /** Parses YAML text; {@code file} names it in messages and anchors relative model paths. */
    public static MergeConfig parse(String text, Path file) {
        Path folder = file.toAbsolutePath().getParent();
        return parse(
                text,
                file.toString(),
                relative -> folder.resolve(relative).normalize().toString());
    }

    /**
     * Parses YAML text read from {@code file}, a hierarchical URI such as
     * {@code s3a://bucket/merges/merge.yaml}: relative model paths resolve against its folder into
     * URIs of the same file system ({@code math} becomes {@code s3a://bucket/merges/math}, and a
     * path starting with {@code /} starts at the bucket).
     */
    public static MergeConfig parse(String text, URI file) {
        return parse(text, file.toString(), relative -> resolveAgainst(file, relative));
    }

    private static MergeConfig parse(String text, String file, UnaryOperator<String> resolveRelative) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw new MoelabInputException(
                    file + ": not valid YAML: " + e.getOriginalMessage()
                            + (e.getLocation() == null
                                    ? ""
                                    : " (line " + e.getLocation().getLineNr() + ")"),
                    e);
        }
        if (root == null || !root.isObject()) {
            throw new MoelabInputException(file + ": expected a mapping with merge_method, models, ...");
        }
        return new Parser(file, resolveRelative).parse(new Fields(file, root, ""));
    }

    /** {@code relative} resolved against the folder of {@code file}, decoded again (s3a keys are used as written). */
    private static String resolveAgainst(URI file, String relative) {
        // "./" keeps a colon in the first segment from reading as a scheme
        String path = relative.startsWith("/") ? relative : "./" + relative;
        URI resolved;
        try {
            resolved = file.resolve(new URI(null, null, path, null)).normalize();
        } catch (URISyntaxException e) {
            throw new MoelabInputException(
                    file + ": model path '" + relative + "' is not a valid path: " + e.getReason(), e);
        }
        return withoutTrailingSlash(
                resolved.getScheme() + "://" + Objects.toString(resolved.getAuthority(), "") + resolved.getPath());
    }

    /** s3a://b/m/ and s3a://b/m name one model, as Path.normalize makes /m/ and /m one local path. */
    private static String withoutTrailingSlash(String uri) {
        String trimmed = uri;
        while (trimmed.endsWith("/") && !trimmed.endsWith("://")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed;
    }

    /**
     * The checkpoint that sets the architecture, config.json and tokenizer: the base, or else the first
     * model; its path or URI as the config holds it.
     */
    public String reference() {
        return baseModel != null ? baseModel : models.get(0).path();
    }

    /** The method with this config's coefficients. */
    public MergeMethod newMethod() {
        return switch (method) {
            case LINEAR ->
                new LinearMerge(models.stream().mapToDouble(MergeModel::weight).toArray(), normalize);
            case TASK_ARITHMETIC -> new TaskArithmeticMerge(models, lambda, normalize);
            case TIES -> new TiesMerge(models, lambda, normalize);
            case DARE_LINEAR -> new DareLinearMerge(models, lambda, normalize, rescale, seed);
            case DARE_TIES -> new DareTiesMerge(models, lambda, normalize, rescale, seed);
        };
    }

    /**
     * The method's settings that apply to every model, by their YAML names ({@code lambda},
     * {@code normalize}, and for DARE {@code rescale} and {@code seed}).
     */
    public Map<String, Object> methodParameters() {
        Map<String, Object> parameters = new LinkedHashMap<>();
        if (method.usesTaskVectors()) {
            parameters.put("lambda", lambda);
        }
        parameters.put("normalize", normalize);
        if (method.isRandom()) {
            parameters.put("rescale", rescale.yamlName());
            parameters.put("seed", seed);
        }
        return parameters;
    }

    /** The model's own parameters by their YAML names: {@code weight}, and {@code density} where it applies. */
    public Map<String, Object> modelParameters(MergeModel model) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("weight", model.weight());
        if (method.usesDensity()) {
            parameters.put("density", model.density());
        }
        return parameters;
    }

    /** The config with every default filled in and absolute paths, in the YAML layout (for the model card and the runs table). */
    public Map<String, Object> effective() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("merge_method", method.yamlName());
        if (baseModel != null) {
            out.put("base_model", baseModel);
        }
        List<Map<String, Object>> entries = new ArrayList<>();
        for (MergeModel model : models) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("model", model.path());
            entry.put("parameters", modelParameters(model));
            entries.add(entry);
        }
        out.put("models", entries);
        out.put("parameters", methodParameters());
        if (dtype != null) {
            out.put("dtype", dtype.torchName());
        }
        return out;
    }

    private record Parser(String file, UnaryOperator<String> resolveRelative) {

        MergeConfig parse(Fields top) {
            top.allowOnly(TOP_FIELDS);
            String methodName = top.text("merge_method")
                    .orElseThrow(() -> top.fail(
                            "merge_method", "missing (one of " + String.join(", ", MergeMethodName.yamlNames()) + ")"));
            MergeMethodName method = MergeMethodName.fromYaml(methodName);
            if (method == null) {
                throw top.fail(
                        "merge_method",
                        "unknown method '" + methodName + "' (valid: " + String.join(", ", MergeMethodName.yamlNames())
                                + ")");
            }
            Fields parameters = top.section("parameters").orElse(new Fields(top.source(), null, "parameters"));
            parameters.allowOnly(parameterNames(method, true));
            Optional<Double> defaultWeight = parameters.number("weight");
            double defaultDensity = density(parameters).orElse(DEFAULT_DENSITY);

            String base = top.text("base_model").map(this::modelPath).orElse(null);
            if (base == null && method.usesTaskVectors()) {
                throw top.fail("base_model", "missing (" + method.yamlName() + " merges task vectors θ_i − θ_base)");
            }
            List<MergeModel> models = new ArrayList<>();
            List<Fields> entries = top.list("models");
            for (int i = 0; i < entries.size(); i++) {
                Fields entry = entries.get(i);
                entry.allowOnly(MODEL_FIELDS);
                String path = modelPath(entry.text("model")
                        .orElseThrow(() -> entry.fail("model", "missing (the model's checkpoint directory)")));
                if (method.usesTaskVectors() && path.equals(base)) {
                    continue; // its task vector is zero; mergekit leaves the base out of the mix
                }
                Fields own = entry.section("parameters").orElse(new Fields(top.source(), null, entry.at("parameters")));
                own.allowOnly(parameterNames(method, false));
                int index = i;
                double weight = own.number("weight")
                        .or(() -> defaultWeight)
                        .orElseThrow(() -> own.fail(
                                "weight",
                                "missing (give models[" + index
                                        + "].parameters.weight or a default in parameters.weight)"));
                models.add(new MergeModel(i, path, weight, density(own).orElse(defaultDensity)));
            }
            if (models.isEmpty()) {
                throw top.fail("models", entries.isEmpty() ? "missing or empty" : "no model to merge besides the base");
            }
            boolean normalize = parameters.bool("normalize").orElse(method.defaultNormalize());
            if (method == MergeMethodName.LINEAR
                    && normalize
                    && models.stream().mapToDouble(MergeModel::weight).sum() == 0) {
                throw top.fail(
                        "models",
                        "the weights sum to 0, so normalize cannot divide by them"
                                + " (set parameters.normalize: false)");
            }
            double lambda = parameters.number("lambda").orElse(DEFAULT_LAMBDA);
            DareRescale rescale =
                    parameters.text("rescale").map(r -> rescale(parameters, r)).orElse(DEFAULT_RESCALE);
            long seed = parameters.integer("seed").orElse(DEFAULT_SEED);
            DType dtype = top.text("dtype")
                    .map(d -> DType.fromTorchName(d)
                            .orElseThrow(() ->
                                    top.fail("dtype", "unknown dtype '" + d + "' (valid: float32, float16, bfloat16)")))
                    .orElse(null);
            return new MergeConfig(file, method, base, models, lambda, normalize, rescale, seed, dtype);
        }

        /** The parameters {@code method} reads, at the top level or per model. */
        private static List<String> parameterNames(MergeMethodName method, boolean topLevel) {
            List<String> names = new ArrayList<>(List.of("weight"));
            if (method.usesDensity()) {
                names.add("density");
            }
            if (topLevel) {
                names.add("normalize");
                if (method.usesTaskVectors()) {
                    names.add("lambda");
                }
                if (method.isRandom()) {
                    names.addAll(List.of("rescale", "seed"));
                }
            }
            return names;
        }

        private static Optional<Double> density(Fields fields) {
            Optional<Double> density = fields.number("density");
            density.ifPresent(d -> {
                if (!(d > 0 && d <= 1)) {
                    throw fields.fail("density", d + " is out of range: the share kept must be in (0, 1]");
                }
            });
            return density;
        }

        private static DareRescale rescale(Fields parameters, String name) {
            for (DareRescale rescale : DareRescale.values()) {
                if (rescale.yamlName().equals(name)) {
                    return rescale;
                }
            }
            throw parameters.fail("rescale", "unknown rescale '" + name + "' (valid: paper, l1)");
        }

        private String modelPath(String value) {
            return URI_SCHEME.matcher(value).matches() ? withoutTrailingSlash(value) : resolveRelative.apply(value);
        }
    }

    /** Reads one YAML mapping; messages name the file and the field's dotted path. */
    private record Fields(String source, JsonNode node, String path) {

        String at(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        MoelabInputException fail(String key, String problem) {
            return new MoelabInputException(source + ": field '" + at(key) + "': " + problem);
        }

        void allowOnly(List<String> valid) {
            if (node == null) {
                return;
            }
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!valid.contains(key)) {
                    throw new MoelabInputException(source + ": unknown field '" + at(key) + "' (valid here: "
                            + String.join(", ", valid) + ")");
                }
            }
        }

        private JsonNode value(String key) {
            JsonNode value = node == null ? null : node.get(key);
            return value == null || value.isNull() ? null : value;
        }

        Optional<String> text(String key) {
            JsonNode value = value(key);
            if (value != null && (!value.isTextual() || value.textValue().isBlank())) {
                throw fail(key, "expected a non-empty string, got " + value);
            }
            return Optional.ofNullable(value).map(JsonNode::textValue);
        }

        Optional<Double> number(String key) {
            JsonNode value = value(key);
            if (value != null && (!value.isNumber() || !Double.isFinite(value.doubleValue()))) {
                throw fail(
                        key,
                        "expected a number, got " + value
                                + (value.isContainerNode()
                                        ? " (per-layer gradients and filters are not supported)"
                                        : ""));
            }
            return Optional.ofNullable(value).map(JsonNode::doubleValue);
        }

        Optional<Long> integer(String key) {
            JsonNode value = value(key);
            if (value != null && (!value.isIntegralNumber() || !value.canConvertToLong())) {
                throw fail(key, "expected an integer, got " + value);
            }
            return Optional.ofNullable(value).map(JsonNode::longValue);
        }

        Optional<Boolean> bool(String key) {
            JsonNode value = value(key);
            if (value != null && !value.isBoolean()) {
                throw fail(key, "expected true or false, got " + value);
            }
            return Optional.ofNullable(value).map(JsonNode::booleanValue);
        }

        Optional<Fields> section(String key) {
            JsonNode value = value(key);
            if (value != null && !value.isObject()) {
                throw fail(key, "expected a mapping, got " + value);
            }
            return Optional.ofNullable(value).map(v -> new Fields(source, v, at(key)));
        }

        List<Fields> list(String key) {
            JsonNode value = value(key);
            if (value == null) {
                return List.of();
            }
            if (!value.isArray()) {
                throw fail(key, "expected a list of {model: PATH, parameters: {...}}, got " + value);
            }
            List<Fields> items = new ArrayList<>();
            for (int i = 0; i < value.size(); i++) {
                String itemPath = at(key) + "[" + i + "]";
                if (!value.get(i).isObject()) {
                    throw new MoelabInputException(source + ": field '" + itemPath + "': expected a mapping with model:"
                            + " and parameters:, got " + value.get(i));
                }
                items.add(new Fields(source, value.get(i), itemPath));
            }
            return items;
        }
    }
}
