package io.moelab.compress.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The README.md model card of a compressed checkpoint: Hugging Face front matter, then how it was made. */
final class ModelCard {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelCard() {}

    static String text(CompressedModel model, CompressedCheckpoint.Provenance provenance) {
        StringBuilder card = new StringBuilder();
        card.append("---\n")
                .append("base_model: ")
                .append(model.source().directory().getFileName())
                .append('\n')
                .append("tags:\n  - moelab\n  - moe-compression\n  - ")
                .append(provenance.method())
                .append('\n')
                .append("---\n\n");
        card.append("# ")
                .append(model.source().directory().getFileName())
                .append(" compressed with ")
                .append(provenance.method())
                .append("\n\n");
        card.append("Made by ")
                .append(provenance.producedBy())
                .append(" from `")
                .append(model.source().directory())
                .append("` (")
                .append(model.source().config().experts().numExperts())
                .append(" experts per MoE layer).\n\n");
        card.append("| setting | value |\n|---|---|\n");
        row(card, "method", provenance.method());
        row(card, "parameters", json(new TreeMap<>(provenance.parameters())));
        row(card, "experts per MoE layer", String.valueOf(provenance.targetExperts()));
        row(
                card,
                "export form",
                model.form() == ExportForm.SMALLER_ROUTER
                        ? "smaller router (standard Hugging Face checkpoint)"
                        : "exact router (`moelab_expert_map` in config.json; loads in moelab only)");
        row(card, "dtype", model.dtype().name());
        row(
                card,
                "routing statistics",
                provenance.statsRun() == null
                        ? "counted on the calibration data"
                        : "run `" + provenance.statsRun() + "`");
        row(card, "calibration data", provenance.calibration());
        row(card, "calibration inputs", provenance.inputs());
        card.append("\n## Merge plan\n\nPer MoE layer: target expert ← source experts (coefficient).\n\n");
        model.layers().forEach((layer, compressed) -> {
            card.append("- layer ").append(layer).append(": ");
            Map<Integer, String> targets = new TreeMap<>();
            compressed
                    .plan()
                    .forEach(entry -> targets.merge(
                            entry.target(),
                            entry.source() + String.format(" (%.4f)", entry.coefficient()),
                            (a, b) -> a + ", " + b));
            card.append(targets.entrySet().stream()
                    .map(e -> e.getKey() + " ← " + e.getValue())
                    .collect(Collectors.joining("; ")));
            if (!compressed.expertBits().isEmpty()) {
                card.append("; bits per expert ").append(compressed.expertBits());
            }
            card.append('\n');
        });
        card.append("\n`skip-betas.json` (when present) holds NAEE's dynamic-skipping thresholds for this checkpoint;"
                + " use it with the routing policy `skip:betas=skip-betas.json`.\n");
        return card.toString();
    }

    private static void row(StringBuilder card, String key, String value) {
        card.append("| ")
                .append(key)
                .append(" | ")
                .append(value.replace("|", "\\|"))
                .append(" |\n");
    }

    private static String json(Object value) {
        try {
            return "`" + JSON.writeValueAsString(value) + "`";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
