package io.moelab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DocumentSamplerTest {

    private static List<Document> docs(int n) {
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            docs.add(new Document("doc-" + i, "text " + i, i % 2 == 0 ? "even" : "odd"));
        }
        return docs;
    }

    @Test
    void murmur3MatchesPublishedVectors() {
        // mmh3.hash64("hello") == (-3758069500696749310, 6565844092913065241); h1 of the empty input, seed 0, is 0
        assertEquals(-3758069500696749310L, Murmur3.hash64("hello".getBytes(StandardCharsets.UTF_8), 0));
        assertEquals(0L, Murmur3.hash64(new byte[0], 0));
    }

    @Test
    void sampleDoesNotDependOnInputOrder() {
        List<Document> docs = docs(200);
        DocumentSampler sampler = new DocumentSampler(42);
        List<Document> expected = sampler.sample(docs, 20);
        for (int shuffle = 0; shuffle < 5; shuffle++) {
            List<Document> shuffled = new ArrayList<>(docs);
            Collections.shuffle(shuffled, new Random(shuffle));
            assertEquals(expected, sampler.sample(shuffled, 20));
        }
    }

    @Test
    void sameSeedSameSampleOtherSeedOtherSample() {
        List<Document> docs = docs(200);
        assertEquals(new DocumentSampler(7).sample(docs, 20), new DocumentSampler(7).sample(docs, 20));
        assertNotEquals(new DocumentSampler(7).sample(docs, 20), new DocumentSampler(8).sample(docs, 20));
    }

    @Test
    void smallerSamplesArePrefixesAndAllKeepsEverything() {
        List<Document> docs = docs(100);
        DocumentSampler sampler = new DocumentSampler(1);
        List<Document> all = sampler.sample(docs, DocumentSampler.ALL);
        assertEquals(100, all.size());
        assertEquals(all.subList(0, 10), sampler.sample(docs, 10));
        assertTrue(all.containsAll(docs));
        assertNotEquals(docs, all, "the global order is a seeded shuffle, not the input order");
    }

    @Test
    void keysOrderUnsignedThenById() {
        assertTrue(new DocumentSampler.OrderKey(-1L, "a").compareTo(new DocumentSampler.OrderKey(1L, "b")) > 0);
        assertTrue(new DocumentSampler.OrderKey(5L, "a").compareTo(new DocumentSampler.OrderKey(5L, "b")) < 0);
    }
}
