package dev.tlskit.ftp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A plaintext FTP peer on loopback that plays a script: it sends the greeting, then answers each command the client
 * sends with the next scripted chunk, written in one piece (so injected lines arrive in the same segment). It records
 * every line the client sent.
 */
final class ScriptedFtpServer implements AutoCloseable {
  final List<String> received = new CopyOnWriteArrayList<>();
  private final ServerSocket server;
  private final CountDownLatch done = new CountDownLatch(1);

  ScriptedFtpServer(String greeting, String... answers) throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(() -> {
      try (Socket s = server.accept()) {
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        out.write(greeting.getBytes(StandardCharsets.UTF_8));
        out.flush();
        for (String answer : answers) {
          String line = in.readLine();
          if (line == null) break;
          received.add(line);
          out.write(answer.getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
        String line;
        while ((line = in.readLine()) != null) received.add(line); // record whatever else comes
      } catch (IOException ignored) {
        // the test asserts on the client side and on what was received
      } finally {
        done.countDown();
      }
    });
  }

  int port() {
    return server.getLocalPort();
  }

  /** Waits until the client closed the connection, so {@link #received} is complete. */
  List<String> receivedAfterClose() throws InterruptedException {
    done.await(10, TimeUnit.SECONDS);
    return received;
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
