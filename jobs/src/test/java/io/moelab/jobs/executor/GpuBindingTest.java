package io.moelab.jobs.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.MoelabInputException;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

class GpuBindingTest {

    @Test
    void taskWithoutGpuRunsOnCpu() {
        assertEquals(OptionalInt.empty(), GpuBinding.assignedDevice(Map.of()));
        assertEquals(
                OptionalInt.empty(),
                GpuBinding.assignedDevice(Map.of("gpu", new ResourceInformation("gpu", new String[0]))));
        assertEquals("cpu", GpuBinding.deviceName(OptionalInt.empty()));
        GpuBinding.bind(OptionalInt.empty()); // nothing to do, no error on the CPU backend
    }

    @Test
    void taskUsesItsFirstGpuAddress() {
        OptionalInt device =
                GpuBinding.assignedDevice(Map.of("gpu", new ResourceInformation("gpu", new String[] {"3", "1"})));
        assertEquals(OptionalInt.of(3), device);
        assertEquals("cuda:3", GpuBinding.deviceName(device));
    }

    @Test
    void nonOrdinalAddressIsABadDiscoveryScript() {
        MoelabInputException e = assertThrows(
                MoelabInputException.class,
                () -> GpuBinding.assignedDevice(
                        Map.of("gpu", new ResourceInformation("gpu", new String[] {"GPU-8f3a"}))));
        assertTrue(
                e.getMessage().contains("'GPU-8f3a'") && e.getMessage().contains("discovery script"), e.getMessage());
    }

    @Test
    void gpuTaskOnTheCpuBackendSaysHowToBuildForCuda() {
        MoelabInputException e = assertThrows(MoelabInputException.class, () -> GpuBinding.bind(OptionalInt.of(0)));
        assertTrue(e.getMessage().contains("-Dcuda"), e.getMessage());
    }
}
