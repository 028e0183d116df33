package io.moelab.data;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The dataset's global document order for a seed, and deterministic sampling from it.
 *
 * <p>Every document gets the key {@code h = Murmur3_x64_128_h1(seed 0, LE64(seed) ‖ UTF-8(id))}
 * ({@link Murmur3}, the first 64-bit half of MurmurHash3 x64 128 over the 8 little-endian bytes of the
 * 64-bit seed followed by the id's UTF-8 bytes). Documents are ordered by {@code h} as an unsigned
 * number, ties by id. Sampling {@code maxDocuments} keeps the first documents of that order, i.e. the
 * ones with the smallest keys: a pure function of (seed, ids), so it is the same for any input order
 * and any partitioning, and a larger sample contains every smaller one. The {@code maxTokens} cap is
 * applied afterwards, by {@link Sequencer}, along the same order.
 */
public final class DocumentSampler implements Serializable {

    /** {@code maxDocuments} value that keeps every document. */
    public static final long ALL = Long.MAX_VALUE;

    /** A document's position in the global order: by unsigned hash, then id. */
    public record OrderKey(long hash, String id) implements Comparable<OrderKey>, Serializable {
        @Override
        public int compareTo(OrderKey o) {
            int c = Long.compareUnsigned(hash, o.hash);
            return c != 0 ? c : id.compareTo(o.id);
        }
    }

    private final long seed;

    public DocumentSampler(long seed) {
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }

    /** The document's hash for this seed. */
    public long hash(String documentId) {
        byte[] id = documentId.getBytes(StandardCharsets.UTF_8);
        byte[] data = ByteBuffer.allocate(8 + id.length)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(seed)
                .put(id)
                .array();
        return Murmur3.hash64(data, 0);
    }

    public OrderKey key(String documentId) {
        return new OrderKey(hash(documentId), documentId);
    }

    /** The documents in global order, the first {@code maxDocuments} of them ({@link #ALL} for all). */
    public List<Document> sample(Collection<Document> documents, long maxDocuments) {
        List<Map.Entry<OrderKey, Document>> keyed = new ArrayList<>();
        for (Document d : documents) {
            keyed.add(Map.entry(key(d.id()), d));
        }
        keyed.sort(Map.Entry.comparingByKey());
        List<Document> out = new ArrayList<>();
        for (int i = 0; i < keyed.size() && i < maxDocuments; i++) {
            out.add(keyed.get(i).getValue());
        }
        return out;
    }
}
