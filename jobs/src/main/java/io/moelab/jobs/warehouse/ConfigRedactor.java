package io.moelab.jobs.warehouse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from a job's config JSON before it is stored in the {@code runs} table, which
 * anyone who can read the warehouse can read.
 *
 * <p>Redacted to {@value #REDACTED}:
 * <ul>
 *   <li>the value of any object key that names a secret: {@code secret}, {@code password},
 *       {@code credential}, {@code access key}, {@code account key}, {@code private key},
 *       {@code encryption key}, {@code api key}, {@code signature}, or a key that ends in
 *       {@code token} (so Hadoop/Spark keys such as {@code fs.s3a.access.key},
 *       {@code spark.hadoop.fs.s3a.secret.key}, {@code fs.s3a.session.token},
 *       {@code fs.azure.account.key.<account>} are caught). Keys that merely contain "token",
 *       such as {@code max_tokens} or {@code tokenizer}, are moelab vocabulary and kept;</li>
 *   <li>the value part of {@code key=value} strings with such a key (command lines, conf lists);</li>
 *   <li>the user-info part of URIs ({@code s3a://KEY:SECRET@bucket/...}).</li>
 * </ul>
 * Redaction applies to the whole tree (nested objects and arrays) and is idempotent.
 */
public final class ConfigRedactor {
    public static final String REDACTED = "***";

    private static final Pattern SECRET_KEY = Pattern.compile(
            "(?i)(secret|passw|credential|access.?key|account.?key|private.?key|encryption.?key|api.?key|signature|token$)");
    private static final Pattern KEY_VALUE = Pattern.compile("^(\\s*-*[\\w.\\-]+\\s*[=:]\\s*)(.*)$", Pattern.DOTALL);
    private static final Pattern URI_USER_INFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.\\-]*://)[^/@\\s]+@");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConfigRedactor() {}

    /** Whether a config or Hadoop/Spark conf key names a secret. */
    public static boolean isSecretKey(String key) {
        return SECRET_KEY.matcher(key.trim()).find();
    }

    /**
     * The config JSON with secrets replaced; {@code null} stays {@code null}. Text that is not JSON
     * is rejected rather than stored, since it cannot be searched for secrets reliably; the error
     * does not quote the text.
     */
    public static String redact(String configJson) {
        if (configJson == null) {
            return null;
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(configJson);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "run config is not valid JSON (line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ")");
        }
        return redact(tree).toString();
    }

    /** A redacted copy of a JSON tree. */
    public static JsonNode redact(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isObject()) {
            ObjectNode copy = JSON.createObjectNode();
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                boolean secret =
                        isSecretKey(field.getKey()) && !field.getValue().isNull();
                copy.set(field.getKey(), secret ? TextNode.valueOf(REDACTED) : redact(field.getValue()));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JSON.createArrayNode();
            node.forEach(element -> copy.add(redact(element)));
            return copy;
        }
        if (node.isTextual()) {
            return TextNode.valueOf(redactText(node.textValue()));
        }
        return node;
    }

    private static String redactText(String text) {
        String withoutUserInfo = URI_USER_INFO.matcher(text).replaceAll("$1" + REDACTED + "@");
        Matcher keyValue = KEY_VALUE.matcher(withoutUserInfo);
        if (keyValue.matches() && isSecretKey(keyValue.group(1).replaceAll("[\\s=:]+$", ""))) {
            return keyValue.group(1) + REDACTED;
        }
        return withoutUserInfo;
    }
}
