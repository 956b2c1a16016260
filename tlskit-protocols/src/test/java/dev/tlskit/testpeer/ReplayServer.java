package dev.tlskit.testpeer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A loopback server for fuzzing protocol clients: each connection gets one fixed byte string (a whole fuzzed server
 * transcript, in one write), after which the server half-closes and discards what the client sends until it closes.
 * The client under test reads its replies from that string exactly as it would from a real server.
 */
public final class ReplayServer implements AutoCloseable {
  private final ServerSocket server;

  public ReplayServer() {
    try {
      server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Serves {@code transcript} to the next connection on a virtual thread; returns that thread. */
  public Thread serveNext(byte[] transcript) {
    return Thread.ofVirtual().name("replay-server").start(() -> {
      try (Socket s = server.accept()) {
        s.setSoTimeout(5_000);
        s.getOutputStream().write(transcript);
        s.getOutputStream().flush();
        s.shutdownOutput();
        InputStream in = s.getInputStream();
        byte[] sink = new byte[4096];
        while (in.read(sink) >= 0) {
          // the client's commands are not checked here
        }
      } catch (IOException ignored) {
        // the client may reset; nothing to report for a fuzz run
      }
    });
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
