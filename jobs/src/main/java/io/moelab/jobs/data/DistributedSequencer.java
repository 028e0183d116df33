package io.moelab.jobs.data;

import io.moelab.data.CalibrationSequence;
import io.moelab.data.Document;
import io.moelab.data.DocumentSampler;
import io.moelab.data.Sequencer;
import io.moelab.data.SequencingOptions;
import io.moelab.data.TokenizedDocument;
import io.moelab.model.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * {@link Sequencer} over a distributed set of documents: they are put in the seed's order
 * ({@link SeededOrder}), tokenized per partition on the executors, and packed or kept whole along that
 * order with the {@code maxTokens} cap. Each partition learns where it starts in the token stream from
 * prefix sums of the partitions before it, so 1 or N partitions give the same sequences.
 */
final class DistributedSequencer {
    private DistributedSequencer() {}

    /**
     * Sequences of {@code docs} (any order, any partitioning): ordered by the seed, tokenized per
     * partition on the executors, then cut by {@link Sequencer}; sorted by sequence id. Equal to
     * {@code new Sequencer(sequencing).sequence(...)} over the same documents in memory.
     */
    static JavaRDD<CalibrationSequence> sequences(
            JavaRDD<Document> docs,
            long seed,
            long maxTokens,
            SerializableTokenizerFactory tokenizer,
            SequencingOptions sequencing) {
        Sequencer sequencer = new Sequencer(sequencing);
        JavaRDD<TokenizedDocument> tokenized = SeededOrder.firstOf(docs, Document::id, seed, DocumentSampler.ALL)
                .mapPartitions(it -> {
                    List<TokenizedDocument> out = new ArrayList<>();
                    try (Tokenizer t = tokenizer.create()) {
                        while (it.hasNext()) {
                            Document d = it.next();
                            out.add(new TokenizedDocument(d.id(), d.label(), t.encode(d.text())));
                        }
                    }
                    return out.iterator();
                })
                .filter(d -> d.tokens().length > 0)
                .persist(StorageLevel.MEMORY_AND_DISK());
        // Per partition: documents and stream tokens; prefix sums give each partition its start.
        List<long[]> totals = tokenized
                .mapPartitionsWithIndex(
                        (index, it) -> {
                            long n = 0;
                            long tokens = 0;
                            while (it.hasNext()) {
                                tokens += sequencer.streamLength(it.next());
                                n++;
                            }
                            return List.of(new long[] {index, n, tokens}).iterator();
                        },
                        true)
                .collect();
        long[][] starts = new long[totals.size()][2];
        long rank = 0;
        long offset = 0;
        for (long[] t :
                totals.stream().sorted((a, b) -> Long.compare(a[0], b[0])).toList()) {
            starts[(int) t[0]] = new long[] {rank, offset};
            rank += t[1];
            offset += t[2];
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(docs.context());
        Broadcast<long[][]> startsB = jsc.broadcast(starts);
        JavaRDD<CalibrationSequence> sequences;
        if (sequencing.mode() == SequencingOptions.Mode.PACK) {
            long maxBlocks = sequencer.maxBlocks(maxTokens);
            JavaPairRDD<Long, Sequencer.Piece> pieces = tokenized
                    .mapPartitionsWithIndex(
                            (index, it) -> {
                                long at = startsB.value()[index][1];
                                List<Sequencer.Piece> out = new ArrayList<>();
                                while (it.hasNext()) {
                                    TokenizedDocument d = it.next();
                                    out.addAll(sequencer.pieces(d, at, maxBlocks));
                                    at += sequencer.streamLength(d);
                                }
                                return out.iterator();
                            },
                            true)
                    .mapToPair(p -> new Tuple2<>(p.blockIndex(), p));
            sequences = pieces.groupByKey()
                    .flatMap(g -> sequencer.assemble(g._1(), g._2()).stream().iterator());
        } else {
            sequences = tokenized.mapPartitionsWithIndex(
                    (index, it) -> {
                        long r = startsB.value()[index][0];
                        long at = startsB.value()[index][1];
                        List<CalibrationSequence> out = new ArrayList<>();
                        while (it.hasNext()) {
                            TokenizedDocument d = it.next();
                            long length = sequencer.streamLength(d);
                            if (Sequencer.withinCap(at, length, maxTokens)) {
                                out.add(sequencer.whole(r, d));
                            }
                            r++;
                            at += length;
                        }
                        return out.iterator();
                    },
                    true);
        }
        return sequences.sortBy(CalibrationSequence::sequenceId, true, Math.max(1, docs.getNumPartitions()));
    }
}
