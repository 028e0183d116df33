package io.moelab.model;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Widens a BF16 or F16 weight matrix to float32 for one matrix product, into a buffer each thread
 * keeps and grows to its largest matrix, so no product allocates. ND4J's {@code assign} converts
 * natively (about 4.5 G elements/s on one core, exact for these dtypes). The buffer lives outside
 * any ND4J workspace: a forward's per-layer workspaces are reset while the buffer stays.
 */
final class WideningBuffer {
    private static final ThreadLocal<WideningBuffer> PER_THREAD = ThreadLocal.withInitial(WideningBuffer::new);

    private DataBuffer buffer;

    private WideningBuffer() {}

    /**
     * {@code weight} itself when it is float32, else its float32 copy in this thread's buffer,
     * valid until the thread's next call.
     */
    static INDArray asFloat(INDArray weight) {
        return weight.dataType() == DataType.FLOAT ? weight : PER_THREAD.get().widen(weight);
    }

    private INDArray widen(INDArray weight) {
        long length = weight.length();
        if (buffer == null || buffer.length() < length) {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                buffer = Nd4j.createBuffer(DataType.FLOAT, length, false);
            }
        }
        long[] shape = weight.shape();
        INDArray widened = Nd4j.create(buffer, shape, Nd4j.getStrides(shape, 'c'), 0, 'c', DataType.FLOAT);
        return widened.assign(weight);
    }
}
