package io.moelab.jobs.merge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.moelab.jobs.warehouse.BuildInfo;
import io.moelab.merge.MergeConfig;
import io.moelab.merge.MergeModel;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;

/** The merged checkpoint's README.md: how it was made, in words, a table and the effective YAML. */
final class ModelCard {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private ModelCard() {}

    static String of(MergeConfig config, String name, String runId) {
        StringBuilder card = new StringBuilder("---\n");
        if (config.baseModel() != null) {
            card.append("base_model: ").append(config.baseModel()).append('\n');
        }
        card.append("tags:\n- moelab\n- merge\n---\n\n# ").append(name).append("\n\n");
        card.append(String.format(
                Locale.ROOT,
                "Made by merging %d fine-tuned model%s%s with moelab `merge-models`"
                        + " (moelab %s, git %s), method `%s` (%s), run `%s`.%n%n",
                config.models().size(),
                config.models().size() == 1 ? "" : "s",
                config.baseModel() != null ? " of the base `" + config.baseModel() + "`" : "",
                BuildInfo.version(),
                BuildInfo.gitCommit(),
                config.method().yamlName(),
                paper(config),
                runId));
        boolean density = config.method().usesDensity();
        card.append("| # | model | weight |")
                .append(density ? " density |" : "")
                .append('\n');
        card.append("|---|---|---|").append(density ? "---|" : "").append('\n');
        for (MergeModel model : config.models()) {
            card.append(String.format(Locale.ROOT, "| %d | `%s` | %s |", model.index(), model.path(), model.weight()));
            card.append(density ? " " + model.density() + " |" : "").append('\n');
        }
        card.append("\nParameters: ");
        config.methodParameters()
                .forEach((key, value) ->
                        card.append(key).append(' ').append(value).append(", "));
        card.append("output dtype ")
                .append(config.dtype() != null ? config.dtype().torchName() : "as the base's tensors")
                .append(".\n\n");
        card.append("The coefficients are in the warehouse table `merge_plans` under run `")
                .append(runId)
                .append("`.\n\n## Configuration\n\n```yaml\n")
                .append(yaml(config.effective()))
                .append("```\n");
        return card.toString();
    }

    private static String paper(MergeConfig config) {
        return switch (config.method()) {
            case LINEAR -> "weighted averaging as in Model Soups, arXiv:2203.05482";
            case TASK_ARITHMETIC -> "Task Arithmetic, arXiv:2212.04089";
            case TIES -> "TIES-Merging, arXiv:2306.01708";
            case DARE_LINEAR, DARE_TIES -> "DARE, arXiv:2311.03099";
        };
    }

    private static String yaml(Map<String, Object> tree) {
        try {
            return YAML.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
