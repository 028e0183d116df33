package io.moelab.jobs.merge;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.MoelabInputException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Which locations are remote, and URIs with credentials refused without repeating them. */
class HadoopUrisTest {

    @Test
    void localPathsAndFileUrisAreLocal() {
        assertTrue(HadoopUris.isRemote("s3a://bucket/models/base"));
        assertTrue(HadoopUris.isRemote("hdfs://namenode:8020/models"));
        assertFalse(HadoopUris.isRemote("/models/base"));
        assertFalse(HadoopUris.isRemote("models/s3a://odd"));
        assertFalse(HadoopUris.isRemote("file:///models/base"));
        assertEquals(Path.of("/models/base"), HadoopUris.localPath("file:///models/base"));
        assertEquals(Path.of("models/base"), HadoopUris.localPath("models/base"));
    }

    @Test
    void credentialsInAUriAreRefusedAndMasked() {
        assertRefused("s3a://AKIAKEY:SECRET@bucket/out", "s3a://***@bucket/out");
        assertRefused("s3a://AKIAKEY:SEC/RET+x@bucket/out", "s3a://***@bucket/out");
        assertRefused("s3a://AKIAKEY@bucket/out", "s3a://***@bucket/out");
        assertRefused("s3a://AKIAKEY:SECRET@bucket", "s3a://***@bucket");
    }

    @Test
    void anAtSignInAKeyOrAPortIsNoCredential() {
        assertDoesNotThrow(() -> HadoopUris.requireNoUserInfo("--output", "s3a://bucket/models/chat@v2"));
        assertDoesNotThrow(() -> HadoopUris.requireNoUserInfo("--output", "hdfs://namenode:8020/models/chat@v2"));
        assertDoesNotThrow(() -> HadoopUris.requireNoUserInfo("--output", "/models/chat@v2"));
    }

    private static void assertRefused(String uri, String masked) {
        MoelabInputException e =
                assertThrows(MoelabInputException.class, () -> HadoopUris.requireNoUserInfo("--output", uri));
        assertTrue(e.getMessage().startsWith("--output " + masked + ": credentials in a URI"), e.getMessage());
        assertFalse(e.getMessage().contains("SEC"), e.getMessage());
        assertFalse(e.getMessage().contains("AKIAKEY"), e.getMessage());
    }
}
