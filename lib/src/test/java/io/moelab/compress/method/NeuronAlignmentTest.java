package io.moelab.compress.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.compress.ExpertWeights;
import io.moelab.compress.linalg.RandomMatrices;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NeuronAlignmentTest {

    @Test
    void permutingNeuronsLeavesTheExpertsFunctionUnchanged() {
        Random random = new Random(1);
        ExpertWeights expert = randomExpert(32, 64, 0.3, random);
        ExpertWeights permuted = expert.permuteNeurons(RandomMatrices.shuffled(64, random));
        float[] inputs = RandomMatrices.gaussian(5 * 32, 1.0, random);
        float[] before = expert.apply(inputs, 5);
        float[] after = permuted.apply(inputs, 5);
        double maxDifference = 0;
        double maxMagnitude = 0;
        for (int i = 0; i < before.length; i++) {
            maxDifference = Math.max(maxDifference, Math.abs(before[i] - after[i]));
            maxMagnitude = Math.max(maxMagnitude, Math.abs(before[i]));
        }
        assertTrue(maxMagnitude > 0.1, "outputs too small to compare: " + maxMagnitude);
        assertTrue(maxDifference <= 1e-5 * maxMagnitude, "relative difference " + maxDifference / maxMagnitude);
    }

    @Test
    void profitIsTheSumOfGateUpAndDownInnerProducts() {
        Random random = new Random(2);
        int hidden = 5;
        int neurons = 7;
        ExpertWeights leader = randomExpert(hidden, neurons, 1.0, random);
        ExpertWeights member = randomExpert(hidden, neurons, 1.0, random);
        float[] profit = NeuronAlignment.profit(leader, member);
        for (int i = 0; i < neurons; i++) {
            for (int j = 0; j < neurons; j++) {
                double expected = 0;
                for (int h = 0; h < hidden; h++) {
                    expected += (double) leader.gate()[i * hidden + h] * member.gate()[j * hidden + h]
                            + (double) leader.up()[i * hidden + h] * member.up()[j * hidden + h]
                            + (double) leader.down()[h * neurons + i] * member.down()[h * neurons + j];
                }
                assertEquals(expected, profit[i * neurons + j], 1e-5, "P[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void alignmentRecoversAPlantedPermutationExactly() {
        Random random = new Random(3);
        int hidden = 32;
        int neurons = 64;
        ExpertWeights leader = randomExpert(hidden, neurons, 0.02, random);
        int[] planted = RandomMatrices.shuffled(neurons, random);
        // member neuron j is leader neuron planted[j], plus noise at 5% of the weights' scale.
        ExpertWeights member = withNoise(leader.permuteNeurons(planted), 0.001, random);

        int[] alignment = NeuronAlignment.align(leader, member);

        int[] inverse = new int[neurons];
        for (int j = 0; j < neurons; j++) {
            inverse[planted[j]] = j;
        }
        assertArrayEquals(inverse, alignment);
        ExpertWeights aligned = member.permuteNeurons(alignment);
        for (int k = 0; k < leader.gate().length; k++) {
            assertEquals(leader.gate()[k], aligned.gate()[k], 0.01);
            assertEquals(leader.down()[k], aligned.down()[k], 0.01);
        }
    }

    @Test
    void digestIsTheStartOfTheSha256OfTheBigEndianEntries() {
        // Pinned: python3 -c "import hashlib,struct;
        // print(hashlib.sha256(struct.pack('>4i',0,1,2,3)).hexdigest()[:16])"
        assertEquals("3067c72c5e501c31", NeuronAlignment.digest(new int[] {0, 1, 2, 3}));
        assertEquals("164df14409a15e0c", NeuronAlignment.digest(new int[] {3, 1, 0, 2}));
        assertEquals(NeuronAlignment.digest(new int[] {3, 1, 0, 2}), NeuronAlignment.digest(new int[] {3, 1, 0, 2}));
        assertNotEquals(NeuronAlignment.digest(new int[] {0, 1}), NeuronAlignment.digest(new int[] {1, 0}));
    }

    @Test
    void rejectsExpertsOfDifferentShapes() {
        Random random = new Random(4);
        assertThrows(
                IllegalArgumentException.class,
                () -> NeuronAlignment.align(randomExpert(8, 16, 1, random), randomExpert(8, 12, 1, random)));
    }

    static ExpertWeights randomExpert(int hidden, int neurons, double std, Random random) {
        return new ExpertWeights(
                hidden,
                neurons,
                RandomMatrices.gaussian(hidden * neurons, std, random),
                RandomMatrices.gaussian(hidden * neurons, std, random),
                RandomMatrices.gaussian(hidden * neurons, std, random));
    }

    private static ExpertWeights withNoise(ExpertWeights expert, double std, Random random) {
        return new ExpertWeights(
                expert.hidden(),
                expert.intermediate(),
                plusNoise(expert.gate(), std, random),
                plusNoise(expert.up(), std, random),
                plusNoise(expert.down(), std, random));
    }

    private static float[] plusNoise(float[] values, double std, Random random) {
        float[] out = values.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += (float) (std * random.nextGaussian());
        }
        return out;
    }
}
