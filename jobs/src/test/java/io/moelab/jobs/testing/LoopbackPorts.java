package io.moelab.jobs.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free TCP ports on 127.0.0.1 for servers the tests start (S3Mock, Spark daemons). */
public final class LoopbackPorts {
    private LoopbackPorts() {}

    /**
     * A port nothing listens on right now. Another process may take it before the caller binds it;
     * the servers started here bind within a second, which makes that unlikely on a test machine.
     */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free local port", e);
        }
    }
}
