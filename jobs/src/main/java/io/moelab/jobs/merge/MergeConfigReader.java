package io.moelab.jobs.merge;

import io.moelab.MoelabInputException;
import io.moelab.merge.MergeConfig;
import io.moelab.merge.MergeModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Reads the merge YAML from a local path or a Hadoop file system ({@code s3a://}); in the latter
 * case relative model paths resolve against its folder there. Refuses credentials in any of the
 * URIs involved ({@link HadoopUris#requireNoUserInfo}).
 */
final class MergeConfigReader {
    private MergeConfigReader() {}

    /**
     * @param configFile the {@code --config} value
     * @throws MoelabInputException for an unreadable or invalid config, or a URI with credentials
     */
    static MergeConfig read(String configFile, Configuration hadoop) {
        HadoopUris.requireNoUserInfo("--config", configFile);
        MergeConfig config = HadoopUris.isRemote(configFile)
                ? readRemote(configFile, hadoop)
                : MergeConfig.load(HadoopUris.localPath(configFile));
        if (config.baseModel() != null) {
            HadoopUris.requireNoUserInfo(config.source() + ": field 'base_model':", config.baseModel());
        }
        for (MergeModel model : config.models()) {
            HadoopUris.requireNoUserInfo(
                    config.source() + ": field 'models[" + model.index() + "].model':", model.path());
        }
        return config;
    }

    private static MergeConfig readRemote(String configFile, Configuration hadoop) {
        Path path = new Path(configFile);
        String text;
        try (InputStream in = path.getFileSystem(hadoop).open(path)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MoelabInputException(configFile + ": cannot read the merge config: " + e.getMessage(), e);
        }
        return MergeConfig.parse(text, path.toUri());
    }
}
