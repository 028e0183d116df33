package io.moelab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.MoelabInputException;
import io.moelab.data.SequencingOptions.Mode;
import io.moelab.model.tokenizer.ByteTokenizer;
import io.moelab.moe.MoeConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class SequencerTest {
    private static final Path SHARED = Path.of(System.getProperty("moelab.shared", "../../shared"));

    private static TokenizedDocument doc(String id, String label, int... tokens) {
        return new TokenizedDocument(id, label, tokens);
    }

    private static final List<TokenizedDocument> DOCS = List.of(
            doc("a", "x", 10, 11, 12, 13, 14), doc("b", "x", 20, 21), doc("c", "y", 30, 31, 32, 33, 34, 35, 36));

    @Test
    void packWithBosAndEosCutsExactBlocksAndDropsTheIncompleteLast() {
        // stream: 10 11 12 13 14 3 20 21 3 30 31 32 33 34 35 36 3  (17 tokens), 3 per block after BOS
        Sequencer s = new Sequencer(SequencingOptions.forIds(Mode.PACK, 4, 2, 3));
        List<CalibrationSequence> seqs = s.sequence(DOCS, Sequencer.NO_LIMIT);
        assertEquals(5, seqs.size(), "17 stream tokens / 3 = 5 whole blocks, 2 tokens dropped");
        assertArrayEquals(new int[] {2, 10, 11, 12}, seqs.get(0).tokens());
        assertArrayEquals(new int[] {2, 13, 14, 3}, seqs.get(1).tokens());
        assertArrayEquals(new int[] {2, 20, 21, 3}, seqs.get(2).tokens());
        assertArrayEquals(new int[] {2, 30, 31, 32}, seqs.get(3).tokens());
        assertArrayEquals(new int[] {2, 33, 34, 35}, seqs.get(4).tokens());
        for (int i = 0; i < seqs.size(); i++) {
            assertEquals(i, seqs.get(i).sequenceId());
            assertEquals(4, seqs.get(i).tokens().length);
        }
        assertEquals(List.of("a"), seqs.get(1).documentIds());
        assertEquals("x", seqs.get(1).label());
    }

    @Test
    void packLabelsAreSharedOrMixed() {
        Sequencer s = new Sequencer(SequencingOptions.forIds(Mode.PACK, 8, 2, 3));
        List<CalibrationSequence> seqs = s.sequence(DOCS, Sequencer.NO_LIMIT);
        // blocks of 7 stream tokens: [10..14 3 20] [21 3 30..34] ; rest (35 36 3) dropped
        assertEquals(2, seqs.size());
        assertArrayEquals(new int[] {2, 10, 11, 12, 13, 14, 3, 20}, seqs.get(0).tokens());
        assertEquals(List.of("a", "b"), seqs.get(0).documentIds());
        assertEquals("x", seqs.get(0).label(), "both documents are labelled x");
        assertArrayEquals(new int[] {2, 21, 3, 30, 31, 32, 33, 34}, seqs.get(1).tokens());
        assertEquals(List.of("b", "c"), seqs.get(1).documentIds());
        assertEquals(CalibrationSequence.MIXED, seqs.get(1).label());
    }

    @Test
    void packWithoutSpecialTokensIsThePlainStream() {
        Sequencer s = new Sequencer(SequencingOptions.forIds(Mode.PACK, 7, -1, -1));
        List<CalibrationSequence> seqs = s.sequence(DOCS, Sequencer.NO_LIMIT);
        assertEquals(2, seqs.size());
        assertArrayEquals(new int[] {10, 11, 12, 13, 14, 20, 21}, seqs.get(0).tokens());
        assertArrayEquals(new int[] {30, 31, 32, 33, 34, 35, 36}, seqs.get(1).tokens());
        assertEquals(List.of("c"), seqs.get(1).documentIds());
    }

    @Test
    void packTokenCapKeepsWholeBlocks() {
        Sequencer s = new Sequencer(SequencingOptions.forIds(Mode.PACK, 4, 2, 3));
        assertEquals(2, s.sequence(DOCS, 11).size(), "11 tokens hold 2 blocks of 4");
        assertEquals(0, s.sequence(DOCS, 3).size());
        assertEquals(s.sequence(DOCS, Sequencer.NO_LIMIT).subList(0, 3), s.sequence(DOCS, 12));
    }

    @Test
    void piecesAssembleInAnyOrder() {
        Sequencer s = new Sequencer(SequencingOptions.forIds(Mode.PACK, 8, 2, 3));
        List<Sequencer.Piece> pieces = new ArrayList<>();
        long offset = 0;
        for (TokenizedDocument d : DOCS) {
            for (Sequencer.Piece p : s.pieces(d, offset, Sequencer.NO_LIMIT)) {
                if (p.blockIndex() == 1) {
                    pieces.add(p);
                }
            }
            offset += s.streamLength(d);
        }
        Collections.reverse(pieces);
        assertEquals(
                s.sequence(DOCS, Sequencer.NO_LIMIT).get(1),
                s.assemble(1, pieces).orElseThrow());
    }

    @Test
    void wholeKeepsDocumentsAndTruncatesToL() {
        Sequencer s = new Sequencer(SequencingOptions.forIds(Mode.WHOLE, 6, 2, 3));
        List<CalibrationSequence> seqs = s.sequence(DOCS, Sequencer.NO_LIMIT);
        assertEquals(3, seqs.size());
        assertArrayEquals(new int[] {2, 10, 11, 12, 13, 14}, seqs.get(0).tokens(), "no room for EOS");
        assertArrayEquals(new int[] {2, 20, 21, 3}, seqs.get(1).tokens(), "fits: BOS, tokens, EOS");
        assertArrayEquals(new int[] {2, 30, 31, 32, 33, 34}, seqs.get(2).tokens());
        assertEquals("y", seqs.get(2).label());
        assertEquals(List.of("c"), seqs.get(2).documentIds());
        assertEquals(2, seqs.get(2).sequenceId());
    }

    @Test
    void wholeSkipsEmptyDocumentsAndStopsAtTheTokenCap() {
        Sequencer s = new Sequencer(SequencingOptions.forIds(Mode.WHOLE, 6, 2, -1));
        List<TokenizedDocument> docs = List.of(DOCS.get(0), doc("empty", null), DOCS.get(1), DOCS.get(2));
        List<CalibrationSequence> all = s.sequence(docs, Sequencer.NO_LIMIT);
        assertEquals(
                List.of(0L, 1L, 2L),
                all.stream().map(CalibrationSequence::sequenceId).toList());
        assertArrayEquals(new int[] {2, 20, 21}, all.get(1).tokens(), "no EOS id: nothing appended");
        assertEquals(2, s.sequence(docs, 6 + 3 + 5).size(), "6 + 3 fit, the third (6) does not");
        assertEquals(all.subList(0, 2), s.sequence(docs, 9));
    }

    @Test
    void byteLevelTrainedModelGetsBos2AndEos3FromItsConfig() {
        MoeConfig config = MoeConfig.load(SHARED.resolve("fixtures/trained-moe/config.json"));
        SequencingOptions o = SequencingOptions.forModel(Mode.PACK, 2048, new ByteTokenizer(), config);
        assertTrue(o.addBos());
        assertEquals(2, o.bosId());
        assertTrue(o.appendEos());
        assertEquals(3, o.eosId());
        assertEquals(2047, o.blockContent());
    }

    @Test
    void rejectsImpossibleOptions() {
        MoelabInputException e =
                assertThrows(MoelabInputException.class, () -> SequencingOptions.forIds(Mode.PACK, 1, 2, 3));
        assertTrue(e.getMessage().contains("at least 2"), e.getMessage());
        assertThrows(MoelabInputException.class, () -> new SequencingOptions(Mode.WHOLE, 8, true, -1, false, -1));
    }

    @Test
    void sharedLabelRule() {
        assertEquals("x", Sequencer.sharedLabel(List.of("x", "x")));
        assertEquals(CalibrationSequence.MIXED, Sequencer.sharedLabel(java.util.Arrays.asList("x", null)));
        assertNull(Sequencer.sharedLabel(java.util.Arrays.asList(null, null)));
    }
}
