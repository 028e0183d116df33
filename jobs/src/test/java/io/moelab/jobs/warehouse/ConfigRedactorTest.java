package io.moelab.jobs.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConfigRedactorTest {

    @Test
    void secretKeysAreRedactedAtAnyDepth() {
        String config = "{\"spark\":{\"spark.hadoop.fs.s3a.access.key\":\"AKIAEXAMPLE\","
                + "\"spark.hadoop.fs.s3a.secret.key\":\"s3cr3t\",\"fs.s3a.session.token\":\"tok\","
                + "\"fs.azure.account.key.acct.dfs.core.windows.net\":\"azkey\"},"
                + "\"db\":[{\"password\":42}],\"hfToken\":\"hf_abc\",\"apiKey\":\"k\",\"credentials\":{\"a\":1}}";

        String redacted = ConfigRedactor.redact(config);

        for (String secret :
                new String[] {"AKIAEXAMPLE", "s3cr3t", "tok\"", "azkey", "42", "hf_abc", "\"k\"", "\"a\""}) {
            assertFalse(redacted.contains(secret), secret + " survived: " + redacted);
        }
        assertTrue(redacted.contains("\"spark.hadoop.fs.s3a.access.key\":\"***\""), redacted);
    }

    @Test
    void moelabVocabularyAboutTokensIsKept() {
        String config = "{\"max_tokens\":4096,\"tokenizer\":\"byte\",\"tokens_processed\":7,\"model\":\"tiny\"}";
        assertEquals(config, ConfigRedactor.redact(config));
    }

    @Test
    void keyValueStringsAndUriUserInfoAreRedacted() {
        String config =
                "{\"args\":[\"--conf\",\"spark.hadoop.fs.s3a.secret.key=s3cr3t\",\"--conf\",\"spark.executor.memory=4g\"],"
                        + "\"dataset\":\"s3a://AKIAEXAMPLE:s3cr3t@bucket/data\"}";

        String redacted = ConfigRedactor.redact(config);

        assertFalse(redacted.contains("s3cr3t") || redacted.contains("AKIAEXAMPLE"), redacted);
        assertTrue(redacted.contains("spark.hadoop.fs.s3a.secret.key=***"), redacted);
        assertTrue(redacted.contains("spark.executor.memory=4g"), redacted);
        assertTrue(redacted.contains("s3a://***@bucket/data"), redacted);
    }

    @Test
    void redactionIsIdempotentAndNullSafe() {
        String once = ConfigRedactor.redact("{\"password\":\"p\",\"nothing\":null,\"secret\":null}");
        assertEquals(once, ConfigRedactor.redact(once));
        assertEquals(null, ConfigRedactor.redact((String) null));
    }

    @Test
    void textThatIsNotJsonIsRejectedWithoutQuotingIt() {
        IllegalArgumentException error =
                assertThrows(IllegalArgumentException.class, () -> ConfigRedactor.redact("password=hunter2"));
        assertFalse(error.getMessage().contains("hunter2"), error.getMessage());
    }

    @Test
    void runRecordsAreRedactedHoweverTheyAreBuilt() {
        RunRecord direct = new RunRecord(
                "r1",
                "calibrate",
                "{\"secret\":\"x1\"}",
                "v",
                "c",
                null,
                null,
                null,
                null,
                RunRecord.SUCCEEDED,
                null,
                0L);
        RunRecord built = RunRecord.builder("r1", "calibrate")
                .configOf(java.util.Map.of("fs.s3a.secret.key", "x2"))
                .build();

        assertEquals("{\"secret\":\"***\"}", direct.config());
        assertEquals("{\"fs.s3a.secret.key\":\"***\"}", built.config());
    }
}
