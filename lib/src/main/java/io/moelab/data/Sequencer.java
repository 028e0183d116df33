package io.moelab.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Cuts tokenized documents, taken in the dataset's global order ({@link DocumentSampler}), into
 * {@link CalibrationSequence}s as {@link SequencingOptions} describes.
 *
 * <p>The work is split into steps that need no shared state, so a distributed engine can run them
 * and get exactly what {@link #sequence} gives in memory:
 * <ol>
 *   <li>{@link #streamLength} of each document; a prefix sum over the global order gives each
 *       document its {@code streamOffset} (PACK: position in the packed stream; WHOLE: tokens of all
 *       earlier sequences, for the token cap);</li>
 *   <li>PACK: {@link #pieces} splits a document at block boundaries, keyed by block index;
 *       {@link #assemble} builds one block from its pieces and drops the incomplete last block.
 *       WHOLE: {@link #whole} makes the document's sequence.</li>
 * </ol>
 *
 * <p><b>Labels</b>: a sequence's label is the label shared by all its contributing documents (a
 * block of two {@code code} documents is {@code code}), {@link CalibrationSequence#MIXED} when they
 * differ, null when none has one. A document contributes to a block when at least one of its tokens
 * or its EOS lies in it.
 *
 * <p><b>Token cap</b> ({@code maxTokens}): applied after ordering. PACK keeps the first
 * {@code floor(maxTokens / L)} blocks; WHOLE keeps sequences in order while their total length stays
 * within {@code maxTokens} (it stops at the first that does not fit). {@link #NO_LIMIT} keeps all.
 */
public final class Sequencer implements Serializable {

    /** {@code maxTokens} value that keeps every sequence. */
    public static final long NO_LIMIT = Long.MAX_VALUE;

    /** Part of one document that falls in one PACK block. */
    public record Piece(long blockIndex, int offsetInBlock, int[] tokens, String documentId, String label)
            implements Serializable {}

    private final SequencingOptions options;

    public Sequencer(SequencingOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    public SequencingOptions options() {
        return options;
    }

    /**
     * Tokens the document adds to the running total: PACK, its tokens plus EOS; WHOLE, the length of
     * its sequence. Documents without tokens add nothing and yield no sequence.
     */
    public long streamLength(TokenizedDocument doc) {
        int n = doc.tokens().length;
        if (n == 0) {
            return 0;
        }
        int eos = options.appendEos() ? 1 : 0;
        if (options.mode() == SequencingOptions.Mode.PACK) {
            return n + eos;
        }
        return Math.min(options.length(), (options.addBos() ? 1 : 0) + n + eos);
    }

    /** PACK: how many whole blocks fit in {@code maxTokens}. */
    public long maxBlocks(long maxTokens) {
        return maxTokens == NO_LIMIT ? NO_LIMIT : maxTokens / options.length();
    }

    /**
     * PACK: the document's tokens (and EOS), starting at {@code streamOffset} of the packed stream,
     * split into one piece per block; pieces of blocks at or beyond {@code maxBlocks} are left out.
     */
    public List<Piece> pieces(TokenizedDocument doc, long streamOffset, long maxBlocks) {
        requireMode(SequencingOptions.Mode.PACK);
        int[] stream = docStream(doc);
        int content = options.blockContent();
        List<Piece> pieces = new ArrayList<>();
        int start = 0;
        while (start < stream.length) {
            long position = streamOffset + start;
            long block = position / content;
            if (block >= maxBlocks) {
                break;
            }
            int offset = (int) (position % content);
            int end = Math.min(stream.length, start + (content - offset));
            pieces.add(new Piece(block, offset, Arrays.copyOfRange(stream, start, end), doc.id(), doc.label()));
            start = end;
        }
        return pieces;
    }

    /**
     * PACK: the block {@code blockIndex} from all its pieces (any order), or empty when they do not
     * fill it (the last, incomplete block).
     */
    public Optional<CalibrationSequence> assemble(long blockIndex, Iterable<Piece> pieces) {
        requireMode(SequencingOptions.Mode.PACK);
        List<Piece> sorted = new ArrayList<>();
        for (Piece piece : pieces) {
            if (piece.blockIndex() != blockIndex) {
                throw new IllegalArgumentException(
                        "piece of block " + piece.blockIndex() + " given for block " + blockIndex);
            }
            sorted.add(piece);
        }
        sorted.sort(Comparator.comparingInt(Piece::offsetInBlock));
        int content = options.blockContent();
        int[] tokens = new int[options.length()];
        int at = 0;
        if (options.addBos()) {
            tokens[at++] = options.bosId();
        }
        int expectedOffset = 0;
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        List<String> labels = new ArrayList<>();
        for (Piece piece : sorted) {
            if (piece.offsetInBlock() != expectedOffset) {
                throw new IllegalStateException("block " + blockIndex + ": gap or overlap at offset " + expectedOffset);
            }
            System.arraycopy(piece.tokens(), 0, tokens, at, piece.tokens().length);
            at += piece.tokens().length;
            expectedOffset += piece.tokens().length;
            ids.add(piece.documentId());
            labels.add(piece.label());
        }
        if (expectedOffset < content) {
            return Optional.empty();
        }
        return Optional.of(new CalibrationSequence(blockIndex, tokens, sharedLabel(labels), List.copyOf(ids)));
    }

    /** WHOLE: the document's sequence, numbered by its rank in the global order. */
    public CalibrationSequence whole(long rank, TokenizedDocument doc) {
        requireMode(SequencingOptions.Mode.WHOLE);
        int n = (int) streamLength(doc);
        int[] tokens = new int[n];
        int at = 0;
        if (options.addBos()) {
            tokens[at++] = options.bosId();
        }
        int fromDoc = Math.min(doc.tokens().length, n - at);
        System.arraycopy(doc.tokens(), 0, tokens, at, fromDoc);
        at += fromDoc;
        if (at < n) {
            tokens[at] = options.eosId(); // only reached when appendEos and the document fits
        }
        return new CalibrationSequence(rank, tokens, doc.label(), List.of(doc.id()));
    }

    /**
     * All sequences of {@code documents}, which must already be in the global order; documents
     * without tokens are skipped. The reference that the Spark job reproduces.
     */
    public List<CalibrationSequence> sequence(List<TokenizedDocument> documents, long maxTokens) {
        List<CalibrationSequence> out = new ArrayList<>();
        long offset = 0;
        long rank = 0;
        if (options.mode() == SequencingOptions.Mode.PACK) {
            long maxBlocks = maxBlocks(maxTokens);
            Map<Long, List<Piece>> blocks = new TreeMap<>();
            for (TokenizedDocument doc : documents) {
                for (Piece piece : pieces(doc, offset, maxBlocks)) {
                    blocks.computeIfAbsent(piece.blockIndex(), b -> new ArrayList<>())
                            .add(piece);
                }
                offset += streamLength(doc);
            }
            blocks.forEach((block, pieces) -> assemble(block, pieces).ifPresent(out::add));
            return out;
        }
        for (TokenizedDocument doc : documents) {
            long length = streamLength(doc);
            if (length == 0) {
                continue;
            }
            if (!withinCap(offset, length, maxTokens)) {
                break;
            }
            out.add(whole(rank++, doc));
            offset += length;
        }
        return out;
    }

    /** WHOLE: whether a sequence of {@code length} tokens after {@code offset} earlier tokens fits the cap. */
    public static boolean withinCap(long offset, long length, long maxTokens) {
        return maxTokens == NO_LIMIT || offset + length <= maxTokens;
    }

    private int[] docStream(TokenizedDocument doc) {
        int[] t = doc.tokens();
        if (t.length == 0 || !options.appendEos()) {
            return t;
        }
        int[] s = Arrays.copyOf(t, t.length + 1);
        s[t.length] = options.eosId();
        return s;
    }

    static String sharedLabel(List<String> labels) {
        String first = labels.isEmpty() ? null : labels.get(0);
        for (String label : labels) {
            if (!Objects.equals(first, label)) {
                return CalibrationSequence.MIXED;
            }
        }
        return first;
    }

    private void requireMode(SequencingOptions.Mode mode) {
        if (options.mode() != mode) {
            throw new IllegalStateException("only for " + mode + " sequencing, options say " + options.mode());
        }
    }
}
