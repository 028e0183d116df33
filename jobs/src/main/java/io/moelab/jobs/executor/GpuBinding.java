package io.moelab.jobs.executor;

import io.moelab.MoelabInputException;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Puts a task on the GPU Spark gave it. With {@code spark.task.resource.gpu.amount} set, a task's
 * {@code TaskContext.resources()} holds "gpu" with the device addresses the discovery script
 * reported (ordinals such as "0", "1"); the task binds ND4J's current thread to the first one
 * before it touches a model. A task given no GPU runs on CPU.
 */
public final class GpuBinding {
    public static final String GPU_RESOURCE = "gpu";

    private GpuBinding() {}

    /** The device ordinal of the task's first GPU, if it was given one. */
    public static OptionalInt assignedDevice(Map<String, ResourceInformation> taskResources) {
        ResourceInformation gpu = taskResources.get(GPU_RESOURCE);
        if (gpu == null || gpu.addresses().length == 0) {
            return OptionalInt.empty();
        }
        String address = gpu.addresses()[0].trim();
        try {
            int device = Integer.parseInt(address);
            if (device < 0) {
                throw new NumberFormatException();
            }
            return OptionalInt.of(device);
        } catch (NumberFormatException e) {
            throw new MoelabInputException("Spark task resource 'gpu' has address '" + address
                    + "'; moelab needs device ordinals (0, 1, ...): make the GPU discovery script print them");
        }
    }

    /** The device a model key names: {@code cuda:N} or {@code cpu}. */
    public static String deviceName(OptionalInt device) {
        return device.isPresent() ? "cuda:" + device.getAsInt() : "cpu";
    }

    /** Binds this thread's ND4J work to the device; needs the CUDA backend (build with {@code -Dcuda}). */
    public static void bind(OptionalInt device) {
        if (device.isEmpty()) {
            return;
        }
        String backend = Nd4j.getBackend().getClass().getSimpleName();
        if (!backend.toLowerCase(java.util.Locale.ROOT).contains("cuda")) {
            throw new MoelabInputException(
                    "the task was given GPU " + device.getAsInt() + " but this jar has ND4J's " + backend
                            + "; build it with `mvn -Dcuda package` or do not request spark.task.resource.gpu.amount");
        }
        Nd4j.getAffinityManager().unsafeSetDevice(device.getAsInt());
    }

    /** Binds the running Spark task to its GPU, if it was given one, and returns that device. */
    public static OptionalInt bindCurrentTask() {
        TaskContext task = TaskContext.get();
        OptionalInt device = assignedDevice(task == null ? Map.of() : CollectionConverters.asJava(task.resources()));
        bind(device);
        return device;
    }
}
