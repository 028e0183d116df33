package io.moelab.moe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpertMapTest {
    @Test
    void mapsWithTheSameTargetsAreEqual() {
        ExpertMap map = new ExpertMap(Map.of(1, new int[] {0, 1, -1, 0}, 3, new int[] {1, 0, 0, 2}));
        ExpertMap same = new ExpertMap(Map.of(3, new int[] {1, 0, 0, 2}, 1, new int[] {0, 1, -1, 0}));
        assertEquals(map, same);
        assertEquals(map.hashCode(), same.hashCode());
        assertNotEquals(map, new ExpertMap(Map.of(1, new int[] {0, 1, -1, 0}, 3, new int[] {1, 0, 2, 0})));
        assertNotEquals(map, new ExpertMap(Map.of(1, new int[] {0, 1, -1, 0})));
        assertEquals("{\"1\":[0,1,-1,0],\"3\":[1,0,0,2]}", map.toString());
    }
}
