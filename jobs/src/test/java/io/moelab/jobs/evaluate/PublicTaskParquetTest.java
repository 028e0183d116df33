package io.moelab.jobs.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.moelab.eval.task.MultipleChoiceInstance;
import io.moelab.eval.task.TaskDefinition;
import io.moelab.eval.task.TaskDocument;
import io.moelab.jobs.data.DatasetOptions;
import io.moelab.jobs.data.TaskDocuments;
import io.moelab.jobs.testing.LocalSpark;
import io.moelab.jobs.warehouse.TableSchemas;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Public task files on Parquet in the Hugging Face export's schema (nested structs, arrays, int64), read
 * by Spark: the rows reach the task layer as the task files expect, and the job evaluates them.
 */
class PublicTaskParquetTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    private static final StructType ARC = new StructType()
            .add("id", DataTypes.StringType)
            .add("question", DataTypes.StringType)
            .add(
                    "choices",
                    new StructType()
                            .add("text", DataTypes.createArrayType(DataTypes.StringType))
                            .add("label", DataTypes.createArrayType(DataTypes.StringType)))
            .add("answerKey", DataTypes.StringType);
    private static final StructType MMLU = new StructType()
            .add("question", DataTypes.StringType)
            .add("subject", DataTypes.StringType)
            .add("choices", DataTypes.createArrayType(DataTypes.StringType))
            .add("answer", DataTypes.LongType);

    private static Row arc(String id, String question, List<String> text, List<String> labels, String key) {
        return RowFactory.create(
                id,
                question,
                RowFactory.create(
                        CollectionConverters.asScala(text).toSeq(),
                        CollectionConverters.asScala(labels).toSeq()),
                key);
    }

    @Test
    void arcAndMmluParquetBecomeTheHarnessPrompts(@TempDir Path dir) {
        SparkSession spark =
                LocalSpark.builder("public-tasks").master("local[1]").getOrCreate();
        try {
            spark.createDataFrame(
                            List.of(
                                    arc(
                                            "Mercury_7175875",
                                            "An astronomer observes that a planet rotates faster after a meteorite impact. Which is the most likely effect of this increase in rotation?",
                                            List.of(
                                                    "Planetary density will decrease.",
                                                    "Planetary years will become longer.",
                                                    "Planetary days will become shorter.",
                                                    "Planetary gravity will become stronger."),
                                            List.of("A", "B", "C", "D"),
                                            "C"),
                                    arc(
                                            "MCAS_2000_4_6",
                                            "Which of these is a mineral?",
                                            List.of("granite", "quartz", "basalt"),
                                            List.of("1", "2", "3"),
                                            "2")),
                            ARC)
                    .write()
                    .parquet(dir.resolve("arc_easy/test").toString());
            spark.createDataFrame(
                            List.of(RowFactory.create(
                                    " Find the degree for the given field extension Q(sqrt(2)) over Q.",
                                    "abstract_algebra",
                                    CollectionConverters.asScala(List.of("0", "2", "4", "6"))
                                            .toSeq(),
                                    1L)),
                            MMLU)
                    .write()
                    .parquet(dir.resolve("mmlu/test").toString());

            TaskDefinition arcTask =
                    TaskDefinition.load(ROOT.resolve("tasks/public/arc_easy.yaml"), Optional.of(dir.toString()));
            List<MultipleChoiceInstance> arc = instances(spark, arcTask);
            assertEquals("MCAS_2000_4_6", arc.get(0).documentId());
            assertEquals(
                    "Question: Which of these is a mineral?\nAnswer:",
                    arc.get(0).contexts().get(0));
            assertEquals(List.of(" granite", " quartz", " basalt"), arc.get(0).continuations());
            assertEquals(1, arc.get(0).gold());
            assertEquals(2, arc.get(1).gold());

            TaskDefinition mmluTask =
                    TaskDefinition.load(ROOT.resolve("tasks/public/mmlu.yaml"), Optional.of(dir.toString()));
            MultipleChoiceInstance mmlu = instances(spark, mmluTask).get(0);
            assertEquals(
                    "The following are multiple choice questions (with answers) about abstract algebra.\n\n"
                            + "Find the degree for the given field extension Q(sqrt(2)) over Q.\nA. 0\nB. 2\nC. 4\nD. 6\nAnswer:",
                    mmlu.contexts().get(0));
            assertEquals(List.of(" A", " B", " C", " D"), mmlu.continuations());
            assertEquals(1, mmlu.gold());
        } finally {
            spark.stop();
        }
        Path warehouse = dir.resolve("warehouse");
        EvaluateCommandTest.Run run = EvaluateCommandTest.evaluate(
                "--model",
                ROOT.resolve("models/trained-moe").toString(),
                "--tasks",
                ROOT.resolve("tasks/public/arc_easy.yaml").toString(),
                "--data-dir",
                dir.toString(),
                "--warehouse",
                warehouse.toString(),
                "--run-id",
                "arc",
                "--master",
                "local[1]");
        assertEquals(0, run.code(), run.err());
        SparkSession reader =
                LocalSpark.builder("public-tasks").master("local[1]").getOrCreate();
        try {
            List<Row> examples = reader.read()
                    .parquet(warehouse.resolve(TableSchemas.EVAL_EXAMPLES).toString())
                    .orderBy("example_id")
                    .collectAsList();
            assertEquals(2, examples.size());
            assertEquals("quartz", examples.get(0).<String>getAs("target"));
            assertEquals(
                    3,
                    examples.get(0)
                            .getList(examples.get(0).fieldIndex("loglikelihoods"))
                            .size());
        } finally {
            reader.stop();
        }
    }

    private static List<MultipleChoiceInstance> instances(SparkSession spark, TaskDefinition task) {
        DatasetOptions options = DatasetOptions.builder(
                        task.data().paths(task.evalSplit()).toArray(String[]::new))
                .format(DatasetOptions.Format.valueOf(task.data().format().name()))
                .idColumn(task.idColumn().orElse(null))
                .build();
        List<TaskDocument> docs =
                TaskDocuments.read(spark, options, task.requiredColumns()).collect();
        return docs.stream()
                .sorted(Comparator.comparing(TaskDocument::id))
                .map(d -> (MultipleChoiceInstance) task.instance(d, List.of()))
                .toList();
    }
}
