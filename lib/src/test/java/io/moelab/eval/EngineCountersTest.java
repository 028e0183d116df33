package io.moelab.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.eval.task.TaskInstance;
import io.moelab.model.tokenizer.ByteTokenizer;
import java.util.List;
import org.junit.jupiter.api.Test;

class EngineCountersTest {

    @Test
    void countersAddUpExactlyAcrossPartitions() {
        EngineCounters a = new EngineCounters(10, 2_000_000_000L, 23, 10);
        EngineCounters b = new EngineCounters(5, 500_000_000L, 7, 5);
        EngineCounters sum = a.plus(b);
        assertEquals(new EngineCounters(15, 2_500_000_000L, 30, 15), sum);
        assertEquals(2.0, sum.meanExpertsPerToken(), 0);
        assertEquals(2.5, sum.forwardSeconds(), 0);
        assertEquals(6.0, sum.tokensPerSecond(), 1e-12);
        assertTrue(Double.isNaN(EngineCounters.ZERO.meanExpertsPerToken()));
    }

    @Test
    void anEngineCountsEveryForwardedTokenOverItsCalls() {
        EvaluationEngine engine = new EvaluationEngine(
                EvalFixtures.trainedModel(),
                new ByteTokenizer(),
                EvalFixtures.NATIVE,
                EngineOptions.defaults().withBatched(false));
        List<? extends TaskInstance> one =
                EvalFixtures.multipleChoice("arith-mc").subList(0, 1);
        engine.evaluate(one);
        EngineCounters first = engine.counters();
        engine.evaluate(one);
        assertEquals(2 * first.tokensForwarded(), engine.counters().tokensForwarded(), "running totals");
        assertEquals(2 * first.routingSlots(), engine.counters().routingSlots());
        assertEquals(4 * first.tokensForwarded(), first.tokenLayers(), "4 MoE layers");
    }
}
