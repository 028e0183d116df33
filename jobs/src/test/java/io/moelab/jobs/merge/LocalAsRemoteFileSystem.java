package io.moelab.jobs.merge;

import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * Local disk under a scheme of its own, {@code localremote:///abs/path}, so that the code merge-models
 * runs for {@code s3a://} locations can be tested without an object store.
 */
public final class LocalAsRemoteFileSystem extends RawLocalFileSystem {
    static final String SCHEME = "localremote";

    private static final URI ROOT = URI.create(SCHEME + ":///");

    /** A Hadoop configuration in which {@code localremote://} resolves to this file system. */
    static Configuration configuration() {
        Configuration conf = new Configuration(false);
        conf.set("fs." + SCHEME + ".impl", LocalAsRemoteFileSystem.class.getName());
        conf.setBoolean("fs." + SCHEME + ".impl.disable.cache", true);
        return conf;
    }

    /** The {@code localremote://} URI of a local path. */
    static String uri(java.nio.file.Path local) {
        return SCHEME + "://" + local.toAbsolutePath().toUri().getPath().replaceAll("/$", "");
    }

    @Override
    public URI getUri() {
        return ROOT;
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }
}
