package io.moelab.jobs.merge;

import io.moelab.model.checkpoint.DType;
import io.moelab.model.checkpoint.TensorInfo;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * One safetensors file of the merged checkpoint and the tensors it holds: the unit of work of one
 * Spark task.
 *
 * @param fileName {@code model.safetensors}, or {@code model-0000i-of-0000n.safetensors} when there are several
 */
record OutputShard(String fileName, List<Tensor> tensors) implements Serializable {

    /** A tensor to merge and how it is stored. */
    record Tensor(String name, long[] shape, DType dtype) implements Serializable {
        long bytes() {
            long n = dtype.byteSize();
            for (long dim : shape) {
                n = Math.multiplyExact(n, dim);
            }
            return n;
        }
    }

    OutputShard {
        tensors = List.copyOf(tensors);
    }

    /**
     * Packs the tensors, in the given (name) order, into shards: a new shard starts whenever the next
     * tensor would take the current one past {@code maxShardBytes}, as transformers' sharding does.
     *
     * @param dtype the output dtype, or null to keep each tensor's dtype
     */
    static List<OutputShard> plan(List<TensorInfo> tensors, DType dtype, long maxShardBytes) {
        List<List<Tensor>> groups = new ArrayList<>();
        List<Tensor> current = new ArrayList<>();
        long currentBytes = 0;
        for (TensorInfo info : tensors) {
            Tensor tensor = new Tensor(info.name(), info.shape(), dtype != null ? dtype : info.dtype());
            if (!current.isEmpty() && currentBytes + tensor.bytes() > maxShardBytes) {
                groups.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(tensor);
            currentBytes += tensor.bytes();
        }
        groups.add(current);
        List<OutputShard> shards = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            String name = groups.size() == 1
                    ? "model.safetensors"
                    : String.format("model-%05d-of-%05d.safetensors", i + 1, groups.size());
            shards.add(new OutputShard(name, groups.get(i)));
        }
        return shards;
    }
}
