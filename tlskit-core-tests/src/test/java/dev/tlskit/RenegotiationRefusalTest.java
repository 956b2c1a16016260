package dev.tlskit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tlskit.certs.HeldCertificate;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * A TLS 1.2 client cannot renegotiate with a {@link TlsServer}, even in a JVM where a plain JDK server handshake ran
 * before the server existed (so the JDK had already read its renegotiation setting, as false).
 */
class RenegotiationRefusalTest {
  static final Duration T = Duration.ofSeconds(30);

  @Test
  void clientRenegotiationIsRefusedWhateverRanEarlierInTheJvm() throws Exception {
    Path openssl = Path.of("/usr/bin/openssl");
    if (Boolean.getBoolean("tlskit.requirePeers")) assertThat(openssl).isExecutable();
    assumeTrue(Files.isExecutable(openssl), "openssl is not installed (scripts/install-peers)");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process server = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        LateServer.class.getName()).redirectErrorStream(true).start();
    Process client = null;
    try {
      Lines serverOut = new Lines(server);
      String port = serverOut.await("listening on (\\d+)");
      client = new ProcessBuilder(openssl.toString(), "s_client", "-tls1_2", "-connect", "127.0.0.1:" + port,
          "-servername", "localhost").redirectErrorStream(true).start();
      Lines clientOut = new Lines(client);
      OutputStream toClient = client.getOutputStream();
      toClient.write("before\n".getBytes(StandardCharsets.US_ASCII));
      toClient.flush();
      clientOut.await("^(before)$");
      toClient.write("R\n".getBytes(StandardCharsets.US_ASCII));
      toClient.flush();
      clientOut.await("(RENEGOTIATING)");
      try {
        Thread.sleep(500);
        toClient.write("after\n".getBytes(StandardCharsets.US_ASCII));
        toClient.flush();
      } catch (IOException closed) {
        // s_client already gave up on the closed connection
      }
      assertThat(client.waitFor(T.toSeconds(), TimeUnit.SECONDS)).as("s_client ends: the server closed").isTrue();
      assertThat(clientOut.all()).as("s_client output").doesNotContainPattern("(?m)^after$");
      server.getOutputStream().close();
      assertThat(serverOut.await("refused renegotiations: (\\d+)")).isEqualTo("1");
      assertThat(serverOut.all()).contains("plain JDK server handshake done");
    } finally {
      if (client != null) client.destroyForcibly();
      server.destroyForcibly();
    }
  }

  /** Collects a process's output lines on a virtual thread. */
  static final class Lines {
    private final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final StringBuffer all = new StringBuffer();

    Lines(Process p) {
      Thread.ofVirtual().start(() -> {
        try (BufferedReader r = new BufferedReader(
            new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            all.append(line).append('\n');
            queue.add(line);
          }
        } catch (IOException ignored) {
          // the process ended
        }
      });
    }

    /** Waits for a line matching {@code regex} and returns its first group. */
    String await(String regex) throws InterruptedException {
      Pattern p = Pattern.compile(regex);
      long end = System.nanoTime() + T.toNanos();
      for (String line; (line = queue.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS)) != null; ) {
        Matcher m = p.matcher(line);
        if (m.find()) return m.group(1);
      }
      throw new AssertionError("no line matching " + regex + " in:\n" + all);
    }

    String all() {
      return all.toString();
    }
  }

  /**
   * Run in a JVM of its own: completes a plain JDK server handshake, then starts an echo {@link TlsServer} and prints
   * its port; when stdin ends, prints how many renegotiations it refused.
   */
  public static final class LateServer {
    public static void main(String[] args) throws Exception {
      HeldCertificate root = HeldCertificate.root("Renegotiation Root");
      HeldCertificate leaf = HeldCertificate.leaf(root, "localhost");
      plainJdkHandshake(root, leaf);
      System.out.println("plain JDK server handshake done; jdk.tls.rejectClientInitiatedRenegotiation="
          + System.getProperty("jdk.tls.rejectClientInitiatedRenegotiation"));
      try (TlsServer server = TlsServer.builder(c -> {
        for (String line; (line = c.readLine(1000)) != null; ) c.writeLine(line);
      }, ServerCertificates.of(CertifiedKey.of(leaf.privateKey(), leaf.chain())))
          .drainTimeout(Duration.ofMillis(100)).start()) {
        System.out.println("listening on " + server.port());
        while (System.in.read() >= 0) {
          // until the test closes stdin
        }
        System.out.println("refused renegotiations: "
            + server.metrics().handshakesFailed().getOrDefault(ServerMetrics.HandshakeFailure.RENEGOTIATION_REFUSED,
                0L));
      }
    }

    static void plainJdkHandshake(HeldCertificate root, HeldCertificate leaf) throws Exception {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("k", leaf.privateKey(), new char[0], leaf.chain().toArray(X509Certificate[]::new));
      ks.setCertificateEntry("root", root.certificate());
      KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
      kmf.init(ks, new char[0]);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      InetAddress loopback = InetAddress.getLoopbackAddress();
      try (SSLServerSocket ss = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 1, loopback)) {
        Thread accept = Thread.ofVirtual().start(() -> {
          try (SSLSocket s = (SSLSocket) ss.accept()) {
            s.startHandshake();
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        });
        try (SSLSocket c = (SSLSocket) ctx.getSocketFactory().createSocket(loopback, ss.getLocalPort())) {
          c.startHandshake();
        }
        accept.join();
      }
    }
  }
}
