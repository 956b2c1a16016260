package dev.tlskit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.tlskit.ftp.testing.Vsftpd;
import dev.tlskit.pop3.Pop3Stat;
import dev.tlskit.testpeer.RealMailServers;
import dev.tlskit.testpeer.ScriptedPeer;
import dev.tlskit.testpeer.TestPki;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the protocol examples: SMTP against the scripted peer, IMAP and POP3 against a real Dovecot, FTPS against a
 * real vsftpd (both skipped when absent, unless -Dtlskit.requirePeers=true), HTTPS against the JDK's HttpsServer.
 */
class ProtocolExamplesTest {
  @TempDir Path dir;

  @Test
  void smtpExampleUpgradesLogsInAndSends() throws Exception {
    TestPki tp = TestPki.get();
    try (ScriptedPeer peer = ScriptedPeer.plain(tp.serverContext(),
        "S: 220 mx", "C: EHLO localhost", "S: 250-mx\r\n250 STARTTLS", "C: STARTTLS", "S: 220 go ahead", "TLS",
        "C: EHLO localhost", "S: 250-mx\r\n250 AUTH LOGIN",
        "C: AUTH LOGIN", "S: 334 VXNlcm5hbWU6", "C: YWxpY2U=", "S: 334 UGFzc3dvcmQ6", "C: c2VjcmV0", "S: 235 ok",
        "C: MAIL FROM:<alice@example.test>", "S: 250 ok", "C: RCPT TO:<bob@example.test>", "S: 250 ok",
        "C: DATA", "S: 354 go", "C: Subject: Hi", "C: ", "C: Hello", "C: .", "S: 250 queued",
        "C: QUIT", "S: 221 bye")) {
      List<String> accepted = MailExamples.smtp("127.0.0.1", peer.port(), tp.caPem, "alice", "secret".toCharArray());
      assertThat(accepted).containsExactly("bob@example.test");
      assertThat(peer.finish()).isEmpty();
      assertThat(peer.plaintextFromClient()).isEqualTo("EHLO localhost\r\nSTARTTLS\r\n");
    }
  }

  @Test
  void smtpMimeExampleGoesThroughPostfixWithItsAttachmentIntact() throws Exception {
    try (RealMailServers servers = RealMailServers.start(dir, true)) {
      byte[] pdf = "%PDF-1.4 not really\n\u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1);
      Path report = Files.write(dir.resolve("q3.pdf"), pdf);
      String queued = MailExamples.smtpMime("127.0.0.1", servers.submission, servers.pki.caPem, "alice",
          RealMailServers.PASSWORD.toCharArray(), report);
      assertThat(queued).contains("queued");
      String raw = new String(servers.awaitDelivery("alice", "Quarterly r\u00e9sum\u00e9").body(),
          StandardCharsets.US_ASCII);
      assertThat(raw).contains("Content-Type: application/pdf; name=\"q3.pdf\"")
          .contains(java.util.Base64.getMimeEncoder().encodeToString(pdf));
    }
  }

  @Test
  void imapAndPop3ExamplesAgainstDovecot() throws Exception {
    try (RealMailServers servers = RealMailServers.start(dir, false)) {
      char[] password = RealMailServers.PASSWORD.toCharArray();
      assertThat(MailExamples.imap("127.0.0.1", servers.imap, servers.pki.caPem, "alice", password)).isEmpty();
      Pop3Stat stat = MailExamples.pop3("127.0.0.1", servers.pop3s, servers.pki.caPem, "alice", password);
      assertThat(stat.count()).isZero();
    }
  }

  @Test
  void ftpsExampleRoundTripsThroughVsftpdWithSessionReuse() throws Exception {
    try (Vsftpd v = Vsftpd.start(Files.createDirectory(dir.resolve("ftp")), false, null)) {
      byte[] content = "report for Q3\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
      byte[] back = Ftps.roundTrip(v.host, v.port, "localhost", v.cert, Vsftpd.USER, Vsftpd.PASSWORD.toCharArray(),
          "q3.txt", content);
      assertThat(back).isEqualTo(content);
      assertThat(Files.readAllBytes(v.root.resolve("q3.txt"))).isEqualTo(content);
    }
  }

  @Test
  void httpClientExampleVerifiesTheServer() throws Exception {
    Pki pki = new Pki(dir);
    javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
    kmf.init(pki.server.certifiedKey().toKeyStore("server", new char[0]), new char[0]);
    javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(ctx));
    https.createContext("/", ex -> {
      byte[] body = "hello over TLS".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    https.start();
    try {
      URI uri = URI.create("https://localhost:" + https.getAddress().getPort() + "/");
      assertThat(Http.get(uri, pki.caPem)).isEqualTo("hello over TLS");
      Path otherCa = Files.writeString(dir.resolve("other.pem"),
          dev.tlskit.certs.HeldCertificate.root("Other").certificatePem());
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Http.get(uri, otherCa))
          .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    } finally {
      https.stop(0);
    }
  }
}
