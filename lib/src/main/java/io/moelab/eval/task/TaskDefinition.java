package io.moelab.eval.task;

import io.moelab.MoelabInputException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * An evaluation task read from an lm-evaluation-harness-style YAML file (schema in
 * {@code tasks/README.md}; templates in {@link Template}): where its rows are and how each row
 * becomes a {@link TaskInstance}. Immutable and serialisable, so a Spark job can ship it to executors.
 */
public final class TaskDefinition implements Serializable {

    /** Settings of generate_until tasks. */
    record Generation(List<String> until, int maxGenToks, AnswerExtraction extraction) implements Serializable {}

    /** Settings of loglikelihood_rolling tasks; null templates mean "the model text". */
    record Rolling(RollingInstance.WindowStrategy strategy, int maxLength, Template wordCount, Template byteCount)
            implements Serializable {}

    /** What the parser hands over, one field per task-file setting. */
    record Settings(
            String name,
            OutputType outputType,
            DataFiles data,
            String evalSplit,
            String fewshotSplit,
            int numFewshot,
            long fewshotSeed,
            String idColumn,
            DocumentProcessor processor,
            Prompt prompt,
            PairEncoding pairEncoding,
            Generation generation,
            Rolling rolling,
            List<String> metrics,
            Map<String, Object> config,
            int version)
            implements Serializable {}

    private final Settings s;
    private final Set<String> requiredColumns;

    TaskDefinition(Settings settings) {
        this.s = settings;
        this.requiredColumns = Collections.unmodifiableSet(requiredColumns(settings));
    }

    /** Reads a task file; relative data paths are resolved against its directory. */
    public static TaskDefinition load(Path yamlFile) {
        return load(yamlFile, Optional.empty());
    }

    /**
     * Reads a task file; relative data paths are resolved against {@code dataRoot} when given (a
     * local directory or a URI such as {@code s3a://bucket/eval}), else against the file's directory.
     *
     * @throws MoelabInputException naming the file (and the field) when it cannot be read or is invalid
     */
    public static TaskDefinition load(Path yamlFile, Optional<String> dataRoot) {
        String yaml;
        try {
            yaml = Files.readString(yamlFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MoelabInputException(yamlFile + ": cannot read task file: " + e, e);
        }
        Path dir = yamlFile.toAbsolutePath().getParent();
        return new TaskFileParser(yamlFile.toString(), dir, dataRoot).parse(yaml);
    }

    /** Parses task YAML; {@code sourceName} names it in messages, {@code baseDir} resolves relative data paths. */
    public static TaskDefinition parse(String yaml, String sourceName, Path baseDir) {
        return new TaskFileParser(sourceName, baseDir.toAbsolutePath(), Optional.empty()).parse(yaml);
    }

    public String name() {
        return s.name();
    }

    public OutputType outputType() {
        return s.outputType();
    }

    public DataFiles data() {
        return s.data();
    }

    /** The split evaluated: {@code test_split}, else {@code validation_split}. */
    public String evalSplit() {
        return s.evalSplit();
    }

    public Optional<String> fewshotSplit() {
        return Optional.ofNullable(s.fewshotSplit());
    }

    public int numFewshot() {
        return s.numFewshot();
    }

    public long fewshotSeed() {
        return s.fewshotSeed();
    }

    /** The column with stable example ids; without one the job derives {@code file:row}. */
    public Optional<String> idColumn() {
        return Optional.ofNullable(s.idColumn());
    }

    /**
     * Every dataset column the templates, the processor and the id read (columns a processor adds
     * are not among them), for an early "missing column" error.
     */
    public Set<String> requiredColumns() {
        return requiredColumns;
    }

    /**
     * The metrics to report ({@code metric_list}; by default all of the output type's: acc and
     * acc_norm; word_perplexity, byte_perplexity and bits_per_byte; exact_match).
     */
    public List<String> metrics() {
        return s.metrics();
    }

    /** The resolved definition (defaults filled in, data paths resolved), for results.json "configs". */
    public Map<String, Object> config() {
        return s.config();
    }

    /** {@code metadata: version}, 0 when the file gives none. */
    /** How multiple-choice requests are tokenized ({@code pair_encoding}; lm_eval unless the task says otherwise). */
    public PairEncoding pairEncoding() {
        return s.pairEncoding();
    }

    public int version() {
        return s.version();
    }

    /**
     * The requests one document of the evaluated split turns into.
     *
     * @param fewshotPool the documents of the few-shot split (ignored when num_fewshot is 0)
     * @throws MoelabInputException naming the task, the document id and the field when the document
     *         cannot be used (missing column, gold index out of range, no choices, ...)
     */
    public TaskInstance instance(TaskDocument doc, List<TaskDocument> fewshotPool) {
        try {
            Map<String, Object> fields = fields(doc);
            List<TaskDocument> shots = s.numFewshot() == 0
                    ? List.of()
                    : FewShotSampler.sample(fewshotPool, doc, s.numFewshot(), s.fewshotSeed(), s.fewshotSplit());
            return switch (s.outputType()) {
                case MULTIPLE_CHOICE -> multipleChoice(doc.id(), fields, examples(shots));
                case LOGLIKELIHOOD_ROLLING -> rolling(doc.id(), fields);
                case GENERATE_UNTIL -> generation(doc.id(), fields, examples(shots));
            };
        } catch (DocumentException e) {
            throw new MoelabInputException("task " + s.name() + ", document " + doc.id() + ": " + e.getMessage(), e);
        }
    }

    private Map<String, Object> fields(TaskDocument doc) {
        return s.processor() == null ? doc.fields() : s.processor().process(doc.fields());
    }

    private List<String> examples(List<TaskDocument> shots) {
        List<String> examples = new ArrayList<>();
        for (TaskDocument shot : shots) {
            try {
                Map<String, Object> fields = fields(shot);
                examples.add(
                        s.outputType() == OutputType.MULTIPLE_CHOICE
                                ? s.prompt().choiceExample(fields)
                                : s.prompt().generationExample(fields));
            } catch (DocumentException e) {
                throw new DocumentException("few-shot example " + shot.id() + ": " + e.getMessage());
            }
        }
        return examples;
    }

    private MultipleChoiceInstance multipleChoice(String id, Map<String, Object> fields, List<String> examples) {
        Prompt prompt = s.prompt();
        Object textOrGold = prompt.textOrGold(fields);
        List<String> choices = prompt.choices(fields);
        String prefix = prompt.prefix(fields, examples);
        List<String> contexts = new ArrayList<>();
        List<String> continuations = new ArrayList<>();
        int gold;
        if (textOrGold instanceof String text) {
            gold = prompt.gold(fields, choices);
            for (String choice : choices) {
                contexts.add(prefix + text);
                continuations.add(prompt.targetDelimiter() + choice);
            }
        } else {
            gold = Prompt.checkedIndex(((Number) textOrGold).longValue(), choices, "doc_to_text");
            String continuation = prompt.targetDelimiter() + prompt.targetText(fields);
            for (String choice : choices) {
                contexts.add(prefix + choice);
                continuations.add(continuation);
            }
        }
        return new MultipleChoiceInstance(id, contexts, continuations, choices, gold);
    }

    private RollingInstance rolling(String id, Map<String, Object> fields) {
        String text = s.prompt().text(fields);
        Rolling rolling = s.rolling();
        String wordSource =
                rolling.wordCount() == null ? text : rolling.wordCount().text(fields);
        String byteSource =
                rolling.byteCount() == null ? text : rolling.byteCount().text(fields);
        return new RollingInstance(
                id,
                text,
                PythonText.wordCount(wordSource),
                byteSource.getBytes(StandardCharsets.UTF_8).length,
                rolling.strategy(),
                rolling.maxLength());
    }

    private GenerationInstance generation(String id, Map<String, Object> fields, List<String> examples) {
        Prompt prompt = s.prompt();
        String context = prompt.prefix(fields, examples) + prompt.text(fields);
        Generation generation = s.generation();
        return new GenerationInstance(
                id,
                context,
                prompt.targetText(fields),
                generation.until(),
                generation.maxGenToks(),
                generation.extraction());
    }

    private static Set<String> requiredColumns(Settings settings) {
        Set<String> columns = new TreeSet<>();
        List<Template> templates = new ArrayList<>(settings.prompt().templates());
        if (settings.rolling() != null) {
            for (Template t : new Template[] {
                settings.rolling().wordCount(), settings.rolling().byteCount()
            }) {
                if (t != null) {
                    templates.add(t);
                }
            }
        }
        for (Template t : templates) {
            columns.addAll(t.columns());
        }
        if (settings.processor() != null) {
            columns.removeAll(settings.processor().outputColumns());
            columns.addAll(settings.processor().inputColumns());
        }
        if (settings.idColumn() != null) {
            columns.add(settings.idColumn());
        }
        return columns;
    }
}
