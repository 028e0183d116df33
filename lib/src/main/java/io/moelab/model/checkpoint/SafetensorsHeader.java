package io.moelab.model.checkpoint;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.moelab.MoelabInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The parsed and validated JSON header of one safetensors file. */
record SafetensorsHeader(Map<String, TensorInfo> tensors, Map<String, String> metadata) {

    static final String METADATA_KEY = "__metadata__";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * Parses {@code json} and checks every tensor entry against a data section of {@code dataSize} bytes.
     *
     * @throws MoelabInputException starting with {@code file}, naming the tensor and what was expected vs found
     */
    static SafetensorsHeader parse(Path file, byte[] json, long dataSize) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new MoelabInputException(file + ": header is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new MoelabInputException(file + ": header cannot be parsed: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new MoelabInputException(file + ": header must be a JSON object, found " + typeOf(root));
        }
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = Map.of();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals(METADATA_KEY)) {
                metadata = parseMetadata(file, field.getValue());
            } else {
                TensorInfo info = parseTensor(file, field.getKey(), field.getValue(), dataSize);
                tensors.put(info.name(), info);
            }
        }
        checkNoOverlap(file, tensors.values());
        return new SafetensorsHeader(Collections.unmodifiableMap(tensors), metadata);
    }

    private static String typeOf(JsonNode node) {
        return node == null || node.isMissingNode()
                ? "nothing"
                : node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static Map<String, String> parseMetadata(Path file, JsonNode node) {
        if (!node.isObject()) {
            throw new MoelabInputException(
                    file + ": " + METADATA_KEY + " must be an object of strings, found " + typeOf(node));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().isTextual()) {
                throw new MoelabInputException(file + ": " + METADATA_KEY + " value '" + entry.getKey()
                        + "' must be a string, found " + entry.getValue());
            }
            metadata.put(entry.getKey(), entry.getValue().textValue());
        }
        return Collections.unmodifiableMap(metadata);
    }

    private static TensorInfo parseTensor(Path file, String name, JsonNode entry, long dataSize) {
        String where = file + ": tensor '" + name + "'";
        if (!entry.isObject()) {
            throw new MoelabInputException(
                    where + ": expected an object with dtype, shape and data_offsets, found " + entry);
        }
        JsonNode dtypeNode = entry.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new MoelabInputException(where + ": expected a string \"dtype\", found " + dtypeNode);
        }
        long[] shape = nonNegativeLongs(where, "shape", entry.get("shape"), -1);
        long[] offsets = nonNegativeLongs(where, "data_offsets", entry.get("data_offsets"), 2);
        DType dtype = DType.fromSafetensors(dtypeNode.textValue(), file, name);
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw new MoelabInputException(where + ": data_offsets [" + begin + ", " + end + "] end before they begin");
        }
        if (end > dataSize) {
            throw new MoelabInputException(where + ": data_offsets [" + begin + ", " + end + "] reach past the end of"
                    + " the " + dataSize + "-byte data section (file truncated or offset out of range)");
        }
        TensorInfo info = new TensorInfo(name, dtype, shape, begin, end);
        long expectedBytes;
        try {
            expectedBytes = Math.multiplyExact(info.numel(), dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new MoelabInputException(where + ": shape " + info.shapeString() + " is too large");
        }
        if (expectedBytes != end - begin) {
            throw new MoelabInputException(where + ": size mismatch: shape " + info.shapeString() + " of " + dtype
                    + " needs " + expectedBytes + " bytes, but data_offsets [" + begin + ", " + end + "] hold "
                    + (end - begin));
        }
        return info;
    }

    /** Reads a JSON array of non-negative integers; {@code requiredLength} -1 accepts any length. */
    private static long[] nonNegativeLongs(String where, String key, JsonNode node, int requiredLength) {
        String expected = "expected \"" + key + "\" to be an array of "
                + (requiredLength < 0 ? "" : requiredLength + " ") + "non-negative integers";
        if (node == null || !node.isArray() || (requiredLength >= 0 && node.size() != requiredLength)) {
            throw new MoelabInputException(where + ": " + expected + ", found " + node);
        }
        long[] values = new long[node.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode item = node.get(i);
            if (!item.isIntegralNumber() || !item.canConvertToLong() || item.longValue() < 0) {
                throw new MoelabInputException(where + ": " + expected + ", found " + node);
            }
            values[i] = item.longValue();
        }
        return values;
    }

    private static void checkNoOverlap(Path file, Iterable<TensorInfo> tensors) {
        List<TensorInfo> byBegin = new ArrayList<>();
        tensors.forEach(byBegin::add);
        byBegin.sort(Comparator.comparingLong(TensorInfo::dataBegin));
        TensorInfo previous = null; // empty tensors occupy no bytes, so they are skipped
        for (TensorInfo current : byBegin) {
            if (current.byteLength() == 0) {
                continue;
            }
            if (previous != null && current.dataBegin() < previous.dataEnd()) {
                throw new MoelabInputException(file + ": tensor '" + current.name() + "' data_offsets ["
                        + current.dataBegin() + ", " + current.dataEnd() + "] overlap tensor '" + previous.name()
                        + "' [" + previous.dataBegin() + ", " + previous.dataEnd() + "]");
            }
            previous = current;
        }
    }
}
