package io.moelab.model.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.moe.MoeConfig;
import org.junit.jupiter.api.Test;

/** Each preset is its model: the published parameter totals, in all and active per token, within 1%. */
class ShapePresetTest {

    @Test
    void olmoeHas6point9BillionParametersAnd1point3Active() {
        assertParameters(ShapePreset.OLMOE_1B_7B, 6.92e9, 1.28e9);
    }

    @Test
    void qwenHas14point3BillionParametersAnd2point7Active() {
        assertParameters(ShapePreset.QWEN1_5_MOE_A2_7B, 14.3e9, 2.7e9);
    }

    @Test
    void mixtralHas46point7BillionParametersAnd12point9Active() {
        assertParameters(ShapePreset.MIXTRAL_8X7B, 46.7e9, 12.9e9);
    }

    @Test
    void cliNamesFindTheirPreset() {
        for (ShapePreset preset : ShapePreset.values()) {
            assertEquals(preset, ShapePreset.fromCliName(preset.cliName()).orElseThrow());
        }
        assertTrue(ShapePreset.fromCliName("deepseek-v2-lite").isEmpty());
    }

    private static void assertParameters(ShapePreset preset, double total, double active) {
        MoeConfig.ParameterCount count =
                MoeConfig.fromJson(preset.configJson(), preset.cliName()).parameterCount();
        assertEquals(total, (double) count.total(), total * 0.01, preset.cliName() + " total");
        assertEquals(active, (double) count.activePerToken(), active * 0.01, preset.cliName() + " active");
    }
}
