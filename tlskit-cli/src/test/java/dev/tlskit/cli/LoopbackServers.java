package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.CertifiedKey;
import dev.tlskit.ServerCertificates;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsServer;
import dev.tlskit.Trust;
import dev.tlskit.certs.ExtendedKeyUsage;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.cli.sink.EchoHandler;
import dev.tlskit.cli.sink.SmtpSink;
import dev.tlskit.cli.sink.Spool;
import dev.tlskit.smtp.SendResult;
import dev.tlskit.smtp.SimpleMail;
import dev.tlskit.smtp.SmtpClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * Throwaway PKI, in-process servers (echo over implicit TLS, echo with STARTTLS, the SMTP sink with STARTTLS, echo
 * with mutual TLS) and well-behaved clients for the attack and soak tests. Everything is on 127.0.0.1.
 */
final class LoopbackServers {
  static final HeldCertificate CA = HeldCertificate.root("Attack Test CA");
  static final HeldCertificate SERVER = HeldCertificate.leaf(CA, "localhost", "127.0.0.1");
  static final HeldCertificate CLIENT = HeldCertificate.builder().commonName("alice").signedBy(CA)
      .extendedKeyUsages(ExtendedKeyUsage.CLIENT_AUTH).build();

  private LoopbackServers() {}

  static ServerCertificates serverCertificates() {
    return ServerCertificates.of(CertifiedKey.of(SERVER.privateKey(), SERVER.chain()));
  }

  /** A client trusting only the test CA, with finite timeouts; {@code mutual} adds the client certificate. */
  static TlsClient client(boolean mutual, Duration timeout) {
    TlsPolicy.Builder p = TlsPolicy.builder().trust(Trust.anchors(CA.certificate()));
    if (mutual) p.clientCertificate(CertifiedKey.of(CLIENT.privateKey(), CLIENT.chain()));
    return TlsClient.builder().policy(p.build()).timeout(timeout).build();
  }

  static TlsServer.Builder echo(TlsMode mode) {
    return TlsServer.builder(new EchoHandler(mode == TlsMode.STARTTLS), serverCertificates()).mode(mode)
        .listen("127.0.0.1", 0);
  }

  static TlsServer.Builder mutualEcho() {
    return echo(TlsMode.IMPLICIT).clientAuth(TlsServer.ClientAuth.NEED).trustedClientIssuers(List.of(CA.certificate()));
  }

  static TlsServer.Builder smtpSink(Path spool) throws IOException {
    Files.createDirectories(spool);
    return TlsServer.builder(new SmtpSink("sink.test", true, 1 << 20, new Spool(spool), line -> { }),
        serverCertificates()).mode(TlsMode.STARTTLS).listen("127.0.0.1", 0);
  }

  /** Sends {@code line} over implicit TLS (or STARTTLS first) and checks the echo; returns bytes echoed. */
  static int echoOnce(TlsClient client, int port, boolean starttls, String line) throws IOException {
    TlsConnection c = starttls ? client.connectPlain("127.0.0.1", port, "localhost")
        : client.connectTls("127.0.0.1", port, "localhost");
    try (c) {
      if (starttls) {
        assertThat(c.readLine(256)).startsWith("OK ");
        write(c.output(), "STARTTLS");
        assertThat(c.readLine(256)).isEqualTo("OK begin TLS");
        c.upgradeToTls();
      }
      write(c.output(), line);
      assertThat(c.readLine(64 * 1024)).isEqualTo(line);
      return line.length();
    }
  }

  /** Sends one mail through the sink with required STARTTLS and login; returns the server's queue reply. */
  static SendResult mailOnce(TlsClient client, int port, String subject) throws IOException {
    try (SmtpClient smtp = SmtpClient.connect(client, "127.0.0.1", port, "localhost", TlsMode.STARTTLS, "client.test")) {
      smtp.login("alice", "secret".toCharArray());
      SendResult r = smtp.send(SimpleMail.builder().from("alice@example.test").to("bob@example.test")
          .subject(subject).body("soak").build());
      smtp.quit();
      return r;
    }
  }

  static void write(OutputStream out, String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Returns a real TLS ClientHello record (what a client sends first), from a JDK client engine. */
  static byte[] clientHello() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, null, null);
      SSLEngine engine = ctx.createSSLEngine("localhost", 443);
      engine.setUseClientMode(true);
      ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
      engine.wrap(ByteBuffer.allocate(0), out);
      return Arrays.copyOf(out.array(), out.position());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static Socket rawConnect(int port) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
    s.setSoTimeout(10_000);
    return s;
  }

  /** Closes with a TCP reset (SO_LINGER 0) instead of a FIN. */
  static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
      s.close();
    } catch (IOException ignored) {
      // already gone
    }
  }

  /** Returns how many platform threads this JVM has. */
  static int platformThreads() {
    return Thread.getAllStackTraces().size();
  }

  /** Returns how many file descriptors this process has open (Linux), or -1 elsewhere. */
  static long openFileDescriptors() {
    Path fds = Path.of("/proc/self/fd");
    if (!Files.isDirectory(fds)) return -1;
    try (var s = Files.list(fds)) {
      return s.count();
    } catch (IOException e) {
      return -1;
    }
  }
}
