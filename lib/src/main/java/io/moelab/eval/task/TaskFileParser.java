package io.moelab.eval.task;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.moelab.MoelabInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads one task file into a {@link TaskDefinition}: checks every field's name, type and fit with
 * the output type, fills in lm-evaluation-harness's defaults and resolves data paths. Messages name
 * the file and the field.
 */
final class TaskFileParser {
    static final String DEFAULT_TARGET_DELIMITER = " ";
    static final String DEFAULT_FEWSHOT_DELIMITER = "\n\n";
    static final long DEFAULT_FEWSHOT_SEED = 1234;
    static final int DEFAULT_MAX_GEN_TOKS = 256;
    static final String DEFAULT_FALLBACK = "[invalid]";

    private static final List<String> TOP_FIELDS = List.of(
            "task",
            "dataset",
            "test_split",
            "validation_split",
            "fewshot_split",
            "num_fewshot",
            "fewshot_config",
            "output_type",
            "description",
            "doc_to_text",
            "doc_to_choice",
            "doc_to_target",
            "target_delimiter",
            "fewshot_delimiter",
            "pair_encoding",
            "process_docs",
            "id_column",
            "generation_kwargs",
            "filter_list",
            "metric_list",
            "rolling_windows",
            "word_count",
            "byte_count",
            "metadata");
    private static final Map<OutputType, List<String>> METRICS = Map.of(
            OutputType.MULTIPLE_CHOICE, List.of("acc", "acc_norm"),
            OutputType.LOGLIKELIHOOD_ROLLING, List.of("word_perplexity", "byte_perplexity", "bits_per_byte"),
            OutputType.GENERATE_UNTIL, List.of("exact_match"));
    /** Fields that only some output types read. */
    private static final Map<String, Set<OutputType>> ONLY_FOR = Map.of(
            "doc_to_choice", Set.of(OutputType.MULTIPLE_CHOICE),
            "pair_encoding", Set.of(OutputType.MULTIPLE_CHOICE),
            "doc_to_target", Set.of(OutputType.MULTIPLE_CHOICE, OutputType.GENERATE_UNTIL),
            "generation_kwargs", Set.of(OutputType.GENERATE_UNTIL),
            "filter_list", Set.of(OutputType.GENERATE_UNTIL),
            "rolling_windows", Set.of(OutputType.LOGLIKELIHOOD_ROLLING),
            "word_count", Set.of(OutputType.LOGLIKELIHOOD_ROLLING),
            "byte_count", Set.of(OutputType.LOGLIKELIHOOD_ROLLING));

    private static final Pattern URI_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:.*");
    private static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final String source;
    private final Path baseDir;
    private final Optional<String> dataRoot;

    TaskFileParser(String source, Path baseDir, Optional<String> dataRoot) {
        this.source = source;
        this.baseDir = baseDir;
        this.dataRoot = dataRoot;
    }

    TaskDefinition parse(String yaml) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new MoelabInputException(
                    source + ": not valid YAML: " + e.getOriginalMessage()
                            + (e.getLocation() == null
                                    ? ""
                                    : " (line " + e.getLocation().getLineNr() + ")"),
                    e);
        }
        if (root == null || !root.isObject()) {
            throw new MoelabInputException(source + ": expected a mapping of task fields, got "
                    + (root == null || root.isMissingNode()
                            ? "an empty file"
                            : root.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        Section top = new Section(root, "");
        top.allowOnly(TOP_FIELDS);
        String name = top.requiredString("task");
        OutputType type = outputType(top);
        for (Map.Entry<String, Set<OutputType>> only : ONLY_FOR.entrySet()) {
            if (top.has(only.getKey()) && !only.getValue().contains(type)) {
                throw top.fail(only.getKey(), "does not apply to output_type " + type.yamlName());
            }
        }
        Map<String, Object> config = YAML.convertValue(root, LinkedHashMap.class);

        DataFiles data = dataFiles(top.requiredSection("dataset"), config);
        String evalSplit = top.string("test_split")
                .or(() -> top.string("validation_split"))
                .orElseThrow(() -> top.fail("test_split", "missing: give test_split or validation_split"));
        checkSplit(top, top.has("test_split") ? "test_split" : "validation_split", evalSplit, data);
        String fewshotSplit = top.string("fewshot_split").orElse(null);
        if (fewshotSplit != null) {
            checkSplit(top, "fewshot_split", fewshotSplit, data);
        }
        int numFewshot = (int) top.integer("num_fewshot", 0, 0, 1000);
        if (numFewshot > 0 && fewshotSplit == null) {
            throw top.fail("num_fewshot", numFewshot + " examples need a fewshot_split");
        }
        if (numFewshot > 0 && type == OutputType.LOGLIKELIHOOD_ROLLING) {
            throw top.fail("num_fewshot", "must be 0 for loglikelihood_rolling");
        }
        long seed = top.section("fewshot_config")
                .map(c -> {
                    c.allowOnly(List.of("seed"));
                    return c.integer("seed", DEFAULT_FEWSHOT_SEED, Long.MIN_VALUE, Long.MAX_VALUE);
                })
                .orElse(DEFAULT_FEWSHOT_SEED);

        DocumentProcessor processor = top.string("process_docs")
                .map(p -> DocumentProcessor.named(p)
                        .orElseThrow(() -> top.fail(
                                "process_docs",
                                "unknown processor '" + p + "' (built-in: "
                                        + String.join(", ", DocumentProcessor.names()) + ")")))
                .orElse(null);
        String targetDelimiter = top.string("target_delimiter").orElse(DEFAULT_TARGET_DELIMITER);
        String fewshotDelimiter = top.string("fewshot_delimiter").orElse(DEFAULT_FEWSHOT_DELIMITER);
        String encodingName = top.string("pair_encoding").orElse(PairEncoding.LM_EVAL.yamlName());
        PairEncoding pairEncoding = Arrays.stream(PairEncoding.values())
                .filter(e -> e.yamlName().equals(encodingName))
                .findFirst()
                .orElseThrow(() -> top.fail(
                        "pair_encoding", "unknown pair encoding '" + encodingName + "' (valid: lm_eval, as_given)"));
        Prompt prompt = prompt(top, type, targetDelimiter, fewshotDelimiter);

        TaskDefinition.Generation generation = null;
        TaskDefinition.Rolling rolling = null;
        if (type == OutputType.GENERATE_UNTIL) {
            generation = generation(top, fewshotDelimiter, config);
        } else if (type == OutputType.LOGLIKELIHOOD_ROLLING) {
            rolling = rolling(top, config);
        }
        List<String> metrics = metrics(top, type, config);
        int version = top.section("metadata").map(this::version).orElse(0);

        config.put("target_delimiter", targetDelimiter);
        config.put("fewshot_delimiter", fewshotDelimiter);
        config.put("pair_encoding", pairEncoding.yamlName());
        config.put("num_fewshot", numFewshot);
        config.put("fewshot_config", Map.of("seed", seed));
        config.put("metadata", Map.of("version", version));
        return new TaskDefinition(new TaskDefinition.Settings(
                name,
                type,
                data,
                evalSplit,
                fewshotSplit,
                numFewshot,
                seed,
                top.string("id_column").orElse(null),
                processor,
                prompt,
                pairEncoding,
                generation,
                rolling,
                metrics,
                Collections.unmodifiableMap(config),
                version));
    }

    private OutputType outputType(Section top) {
        String name = top.requiredString("output_type");
        return Arrays.stream(OutputType.values())
                .filter(t -> t.yamlName().equals(name))
                .findFirst()
                .orElseThrow(() -> top.fail(
                        "output_type",
                        "unknown output type '" + name + "' (valid: "
                                + String.join(
                                        ", ",
                                        Arrays.stream(OutputType.values())
                                                .map(OutputType::yamlName)
                                                .toList())
                                + ")"));
    }

    private DataFiles dataFiles(Section dataset, Map<String, Object> config) {
        dataset.allowOnly(List.of("format", "data_files"));
        String formatName = dataset.string("format").orElse(DataFiles.Format.AUTO.yamlName());
        DataFiles.Format format = Arrays.stream(DataFiles.Format.values())
                .filter(f -> f.yamlName().equals(formatName))
                .findFirst()
                .orElseThrow(() ->
                        dataset.fail("format", "unknown format '" + formatName + "' (valid: jsonl, parquet, auto)"));
        Section files = dataset.requiredSection("data_files");
        Map<String, List<String>> splits = new LinkedHashMap<>();
        for (String split : files.keys()) {
            List<String> patterns = files.stringOrList(split).orElseThrow();
            if (patterns.isEmpty()) {
                throw files.fail(split, "no paths given");
            }
            splits.put(split, patterns.stream().map(this::resolve).toList());
        }
        if (splits.isEmpty()) {
            throw dataset.fail("data_files", "no splits given");
        }
        Map<String, Object> resolved = new LinkedHashMap<>();
        resolved.put("format", format.yamlName());
        resolved.put("data_files", splits);
        config.put("dataset", resolved);
        return new DataFiles(format, splits);
    }

    /** Absolute paths and URIs stay; others go under the data root, else the task file's directory. */
    private String resolve(String pattern) {
        if (pattern.startsWith("/") || URI_SCHEME.matcher(pattern).matches()) {
            return pattern;
        }
        if (dataRoot.isPresent()) {
            String root = dataRoot.get();
            if (URI_SCHEME.matcher(root).matches()) {
                return root.endsWith("/") ? root + pattern : root + "/" + pattern;
            }
            return Path.of(root).toAbsolutePath().resolve(pattern).normalize().toString();
        }
        return baseDir.resolve(pattern).normalize().toString();
    }

    private static void checkSplit(Section top, String field, String split, DataFiles data) {
        if (!data.splits().containsKey(split)) {
            throw top.fail(
                    field,
                    "split '" + split + "' is not in dataset.data_files (splits: "
                            + String.join(", ", data.splits().keySet()) + ")");
        }
    }

    private Prompt prompt(Section top, OutputType type, String targetDelimiter, String fewshotDelimiter) {
        Template description = top.string("description")
                .map(d -> template(top, "description", d))
                .orElse(null);
        Template docToText = template(top, "doc_to_text", top.requiredString("doc_to_text"));
        List<Template> choiceTemplates = null;
        Template choiceList = null;
        if (type == OutputType.MULTIPLE_CHOICE) {
            JsonNode choices = top.required("doc_to_choice");
            if (choices.isArray()) {
                List<String> sources = top.stringOrList("doc_to_choice").orElseThrow();
                if (sources.isEmpty()) {
                    throw top.fail("doc_to_choice", "empty list of choices");
                }
                choiceTemplates = new ArrayList<>();
                for (int i = 0; i < sources.size(); i++) {
                    choiceTemplates.add(template(top, "doc_to_choice[" + i + "]", sources.get(i)));
                }
                choiceTemplates = List.copyOf(choiceTemplates);
            } else {
                choiceList = template(top, "doc_to_choice", top.requiredString("doc_to_choice"));
            }
        }
        Template docToTarget = type == OutputType.LOGLIKELIHOOD_ROLLING
                ? null
                : template(top, "doc_to_target", top.requiredString("doc_to_target"));
        return new Prompt(
                description, docToText, choiceTemplates, choiceList, docToTarget, targetDelimiter, fewshotDelimiter);
    }

    private Template template(Section section, String field, String text) {
        try {
            return Template.parse(text, field);
        } catch (IllegalArgumentException e) {
            throw section.fail(field, "bad template: " + e.getMessage());
        }
    }

    private TaskDefinition.Generation generation(Section top, String fewshotDelimiter, Map<String, Object> config) {
        List<String> until = List.of(fewshotDelimiter);
        int maxGenToks = DEFAULT_MAX_GEN_TOKS;
        Optional<Section> kwargs = top.section("generation_kwargs");
        if (kwargs.isPresent()) {
            kwargs.get().allowOnly(List.of("until", "max_gen_toks"));
            until = kwargs.get().stringOrList("until").orElse(until);
            maxGenToks = (int) kwargs.get().integer("max_gen_toks", DEFAULT_MAX_GEN_TOKS, 1, Integer.MAX_VALUE);
        }
        Map<String, Object> resolved = new LinkedHashMap<>();
        resolved.put("until", until);
        resolved.put("max_gen_toks", maxGenToks);
        config.put("generation_kwargs", resolved);
        AnswerExtraction extraction = new AnswerExtraction(
                filters(top),
                exactMatchOption(top, "ignore_case"),
                exactMatchOption(top, "ignore_punctuation"),
                regexesToIgnore(top));
        return new TaskDefinition.Generation(until, maxGenToks, extraction);
    }

    private TaskDefinition.Rolling rolling(Section top, Map<String, Object> config) {
        RollingInstance.WindowStrategy strategy = RollingInstance.WindowStrategy.LM_EVAL;
        int maxLength = 0;
        Optional<Section> windows = top.section("rolling_windows");
        if (windows.isPresent()) {
            Section w = windows.get();
            w.allowOnly(List.of("strategy", "max_length"));
            String name = w.string("strategy").orElse("lm_eval");
            strategy = Arrays.stream(RollingInstance.WindowStrategy.values())
                    .filter(s -> s.name().toLowerCase(Locale.ROOT).equals(name))
                    .findFirst()
                    .orElseThrow(
                            () -> w.fail("strategy", "unknown strategy '" + name + "' (valid: lm_eval, disjoint)"));
            maxLength = (int) w.integer("max_length", 0, 0, Integer.MAX_VALUE);
            if (maxLength == 1) {
                throw w.fail("max_length", "must be 0 (the model's context) or at least 2 (BOS + one token)");
            }
        }
        Map<String, Object> resolved = new LinkedHashMap<>();
        resolved.put("strategy", strategy.name().toLowerCase(Locale.ROOT));
        resolved.put("max_length", maxLength);
        config.put("rolling_windows", resolved);
        Template words = top.string("word_count")
                .map(t -> template(top, "word_count", t))
                .orElse(null);
        Template bytes = top.string("byte_count")
                .map(t -> template(top, "byte_count", t))
                .orElse(null);
        return new TaskDefinition.Rolling(strategy, maxLength, words, bytes);
    }

    private List<String> metrics(Section top, OutputType type, Map<String, Object> config) {
        List<String> valid = METRICS.get(type);
        List<Section> entries = top.sectionList("metric_list");
        if (entries.isEmpty()) {
            List<Map<String, Object>> defaults =
                    valid.stream().map(m -> Map.<String, Object>of("metric", m)).toList();
            config.put("metric_list", defaults);
            return valid;
        }
        List<String> metrics = new ArrayList<>();
        for (Section entry : entries) {
            String metric = entry.requiredString("metric");
            if (!valid.contains(metric)) {
                throw entry.fail(
                        "metric",
                        "unknown metric '" + metric + "' for " + type.yamlName() + " (valid: "
                                + String.join(", ", valid) + ")");
            }
            entry.allowOnly(
                    metric.equals("exact_match")
                            ? List.of("metric", "ignore_case", "ignore_punctuation", "regexes_to_ignore")
                            : List.of("metric"));
            metrics.add(metric);
        }
        return List.copyOf(metrics);
    }

    private Optional<Section> exactMatchEntry(Section top) {
        return top.sectionList("metric_list").stream()
                .filter(e -> e.string("metric").orElse("").equals("exact_match"))
                .findFirst();
    }

    private boolean exactMatchOption(Section top, String option) {
        return exactMatchEntry(top).map(e -> e.bool(option, false)).orElse(false);
    }

    private List<String> regexesToIgnore(Section top) {
        Optional<Section> entry = exactMatchEntry(top);
        if (entry.isEmpty()) {
            return List.of();
        }
        List<String> regexes = entry.get().stringOrList("regexes_to_ignore").orElse(List.of());
        for (String regex : regexes) {
            entry.get().checkRegex("regexes_to_ignore", regex);
        }
        return regexes;
    }

    private List<AnswerExtraction.Filter> filters(Section top) {
        List<AnswerExtraction.Filter> filters = new ArrayList<>();
        for (Section entry : top.sectionList("filter_list")) {
            entry.allowOnly(List.of("name", "filter"));
            String name = entry.requiredString("name");
            AnswerExtraction.Filter regex = null;
            for (Section step : entry.sectionList("filter")) {
                String function = step.requiredString("function");
                switch (function) {
                    case "regex" -> {
                        step.allowOnly(List.of("function", "regex_pattern", "group_select", "fallback"));
                        if (regex != null) {
                            throw step.fail("function", "only one regex step per filter");
                        }
                        String pattern = step.requiredString("regex_pattern");
                        step.checkRegex("regex_pattern", pattern);
                        regex = new AnswerExtraction.Filter(
                                name,
                                pattern,
                                (int) step.integer("group_select", 0, Integer.MIN_VALUE, Integer.MAX_VALUE),
                                step.string("fallback").orElse(DEFAULT_FALLBACK));
                    }
                    // One generation per document, so taking the first of the responses changes nothing.
                    case "take_first" -> step.allowOnly(List.of("function"));
                    default ->
                        throw step.fail(
                                "function", "unknown filter function '" + function + "' (valid: regex, take_first)");
                }
            }
            if (regex == null) {
                throw entry.fail("filter", "needs a regex step");
            }
            filters.add(regex);
        }
        return filters;
    }

    private int version(Section metadata) {
        metadata.allowOnly(List.of("version"));
        JsonNode node = metadata.node("version");
        if (node == null) {
            return 0;
        }
        if (!node.isNumber() || node.asDouble() != Math.rint(node.asDouble()) || node.asDouble() < 0) {
            throw metadata.fail("version", "expected a whole non-negative number, got " + node);
        }
        return node.asInt();
    }

    /** A mapping in the task file at {@code path}, read field by field. */
    private final class Section {
        private final JsonNode node;
        private final String path;

        Section(JsonNode node, String path) {
            this.node = node;
            this.path = path;
        }

        private String at(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        MoelabInputException fail(String key, String problem) {
            return new MoelabInputException(source + ": field '" + at(key) + "': " + problem);
        }

        void allowOnly(List<String> valid) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!valid.contains(key)) {
                    throw new MoelabInputException(source + ": unknown field '" + at(key) + "' (valid: "
                            + String.join(", ", new TreeSet<>(valid)) + ")");
                }
            }
        }

        List<String> keys() {
            List<String> keys = new ArrayList<>();
            node.fieldNames().forEachRemaining(keys::add);
            return keys;
        }

        boolean has(String key) {
            return node(key) != null;
        }

        /** The value, or null when absent or YAML null. */
        JsonNode node(String key) {
            JsonNode value = node.get(key);
            return value == null || value.isNull() ? null : value;
        }

        JsonNode required(String key) {
            JsonNode value = node(key);
            if (value == null) {
                throw fail(key, "missing");
            }
            return value;
        }

        Optional<String> string(String key) {
            JsonNode value = node(key);
            if (value == null) {
                return Optional.empty();
            }
            if (!value.isTextual()) {
                throw fail(key, "expected a string, got " + kind(value) + " (quote it)");
            }
            return Optional.of(value.textValue());
        }

        String requiredString(String key) {
            required(key);
            String value = string(key).orElseThrow();
            if (value.isBlank() && (key.equals("task") || key.equals("output_type"))) {
                throw fail(key, "empty");
            }
            return value;
        }

        Optional<List<String>> stringOrList(String key) {
            JsonNode value = node(key);
            if (value == null) {
                return Optional.empty();
            }
            if (value.isTextual()) {
                return Optional.of(List.of(value.textValue()));
            }
            if (!value.isArray()) {
                throw fail(key, "expected a string or a list of strings, got " + kind(value));
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < value.size(); i++) {
                if (!value.get(i).isTextual()) {
                    throw fail(key + "[" + i + "]", "expected a string, got " + kind(value.get(i)) + " (quote it)");
                }
                out.add(value.get(i).textValue());
            }
            return Optional.of(out);
        }

        long integer(String key, long fallback, long min, long max) {
            JsonNode value = node(key);
            if (value == null) {
                return fallback;
            }
            if (!value.isIntegralNumber()
                    || !value.canConvertToLong()
                    || value.asLong() < min
                    || value.asLong() > max) {
                throw fail(
                        key,
                        "expected an integer" + (min == 0 ? " ≥ 0" : min == 1 ? " ≥ 1" : "") + ", got " + kind(value));
            }
            return value.asLong();
        }

        boolean bool(String key, boolean fallback) {
            JsonNode value = node(key);
            if (value == null) {
                return fallback;
            }
            if (!value.isBoolean()) {
                throw fail(key, "expected true or false, got " + kind(value));
            }
            return value.booleanValue();
        }

        Optional<Section> section(String key) {
            JsonNode value = node(key);
            if (value == null) {
                return Optional.empty();
            }
            if (!value.isObject()) {
                throw fail(key, "expected a mapping, got " + kind(value));
            }
            return Optional.of(new Section(value, at(key)));
        }

        Section requiredSection(String key) {
            required(key);
            return section(key).orElseThrow();
        }

        /** A list of mappings; empty when absent. */
        List<Section> sectionList(String key) {
            JsonNode value = node(key);
            if (value == null) {
                return List.of();
            }
            if (!value.isArray()) {
                throw fail(key, "expected a list, got " + kind(value));
            }
            List<Section> out = new ArrayList<>();
            for (int i = 0; i < value.size(); i++) {
                if (!value.get(i).isObject()) {
                    throw fail(key + "[" + i + "]", "expected a mapping, got " + kind(value.get(i)));
                }
                out.add(new Section(value.get(i), at(key) + "[" + i + "]"));
            }
            return out;
        }

        void checkRegex(String key, String regex) {
            try {
                Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw fail(key, "bad regular expression '" + regex + "': " + e.getDescription());
            }
        }

        private static String kind(JsonNode value) {
            return value.getNodeType().name().toLowerCase(Locale.ROOT) + " " + value;
        }
    }
}
