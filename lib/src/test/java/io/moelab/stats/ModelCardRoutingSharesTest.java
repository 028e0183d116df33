package io.moelab.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moelab.model.ForwardOptions;
import io.moelab.model.MoeModel;
import io.moelab.model.SharedFixtures;
import io.moelab.moe.TokenBatch;
import io.moelab.routing.RoutingRecorder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The statistics engine on the trained model's whole test split against the routing shares its
 * model card measured with transformers: every document cut into 255-byte pieces, each fed as
 * [BOS] + piece, top-2 slots counted per domain with BOS excluded. The card stores the shares at
 * full precision with the token counts, so the comparison is in exact selection counts.
 */
class ModelCardRoutingSharesTest {
    private static final String[] DOMAINS = {"scripture", "code", "dictionary", "arithmetic"};
    private static final int PIECE = 255;
    private static final int BOS = 2;

    @Test
    void expertLabelCountsReproduceTheCardsShares() throws IOException {
        Path card = SharedFixtures.trainedMoe();
        MoeModel model = MoeModel.load(card);
        JsonNode test = new ObjectMapper()
                .readTree(card.resolve("eval_results.json").toFile())
                .get("splits")
                .get("test");
        StatsOptions options = new StatsOptions(false, false, false, 1e-6, true, 0, 0, 0);
        RoutingStatsCollector collector = new RoutingStatsCollector(model, options);
        long[] pieces = new long[DOMAINS.length];
        for (int d = 0; d < DOMAINS.length; d++) {
            List<int[]> windows =
                    windows(SharedFixtures.shared().resolve("datasets-fixture/text/" + DOMAINS[d] + ".test.jsonl"));
            pieces[d] = windows.size();
            for (int i = 0; i < windows.size(); i += 16) {
                List<int[]> batch = windows.subList(i, Math.min(i + 16, windows.size()));
                String[] labels = new String[batch.size()];
                Arrays.fill(labels, DOMAINS[d]);
                collector.collect(TokenBatch.of(batch.toArray(int[][]::new)), null, labels);
            }
        }
        // BOS has no context, so it routes the same way in every window: its slots are known exactly.
        RoutingRecorder bos = new RoutingRecorder();
        model.forward(
                TokenBatch.of(new int[] {BOS}),
                ForwardOptions.builder().observe(bos).build());

        StatisticsReport report = StatisticsReport.of(collector.statistics());
        long worst = 0;
        long slots = 0;
        for (int d = 0; d < DOMAINS.length; d++) {
            JsonNode domain = test.get(DOMAINS[d]);
            long tokens = domain.get("tokens_routed").asLong();
            for (int l = 0; l < 4; l++) {
                int[] bosExperts = {
                    bos.layers().get(l).decision().expert(0, 0),
                    bos.layers().get(l).decision().expert(0, 1)
                };
                for (int e = 0; e < 8; e++) {
                    long expected = Math.round(
                            domain.get("topk_slot_share").get(l).get(e).asDouble() * 2 * tokens);
                    long counted = labelCount(report, l, e, DOMAINS[d])
                            - (e == bosExperts[0] || e == bosExperts[1] ? pieces[d] : 0);
                    worst = Math.max(worst, Math.abs(counted - expected));
                    slots += expected;
                }
            }
        }
        assertEquals(796_606L * 2 * 4, slots, "the card's 796,606 test bytes, 2 slots, 4 layers");
        // Measured: every one of the 6.4M slots lands where transformers put it.
        assertEquals(0, worst, "largest per-(domain, layer, expert) count difference");
    }

    private static long labelCount(StatisticsReport report, int layer, int expert, String label) {
        return report.expertLabels().stream()
                .filter(r ->
                        r.layer() == layer && r.expert() == expert && r.label().equals(label))
                .mapToLong(ExpertLabelRow::tokens)
                .findFirst()
                .orElse(0);
    }

    /** Each document's UTF-8 bytes in non-overlapping pieces of 255, each after BOS. */
    private static List<int[]> windows(Path jsonl) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<int[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(jsonl)) {
            byte[] bytes = json.readTree(line).get("text").asText().getBytes(StandardCharsets.UTF_8);
            for (int start = 0; start < bytes.length; start += PIECE) {
                int length = Math.min(PIECE, bytes.length - start);
                int[] window = new int[length + 1];
                window[0] = BOS;
                for (int i = 0; i < length; i++) {
                    window[i + 1] = bytes[start + i] & 0xff;
                }
                out.add(window);
            }
        }
        return out;
    }
}
