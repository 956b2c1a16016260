package dev.tlskit.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.CertifiedKey;
import dev.tlskit.ServerCertificates;
import dev.tlskit.ServerConnection;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.TlsServer;
import dev.tlskit.Trust;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.ftp.FtpClient;
import dev.tlskit.imap.ImapClient;
import dev.tlskit.imap.ImapLimits;
import dev.tlskit.pop3.Pop3Client;
import dev.tlskit.smtp.SmtpClient;
import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The mail and FTP clients report a server's refusal of our client certificate (TLS 1.3: it comes after the client's
 * handshake, at the first command sent over TLS) as TlsSecurityException CLIENT_CERTIFICATE_REFUSED, after STARTTLS
 * and on implicit TLS, against a {@link TlsServer} that needs a certificate from its CA.
 */
class ClientCertRefusalTest {
  static final HeldCertificate CA = HeldCertificate.root("Refusal Test CA");
  static final HeldCertificate SERVER = HeldCertificate.leaf(CA, "localhost", "127.0.0.1");
  static final HeldCertificate MALLORY = HeldCertificate.builder().commonName("mallory")
      .signedBy(HeldCertificate.root("Other CA")).build();
  static final int RUNS = 3;

  /** A minimal server for each protocol: greeting, capabilities offering the upgrade, the upgrade, "ok" for all else. */
  static void serve(String protocol, ServerConnection c) throws IOException {
    switch (protocol) {
      case "smtp" -> c.writeLine("220 mx.test ESMTP");
      case "imap" -> c.writeLine("* OK IMAP4rev1 ready");
      case "pop3" -> c.writeLine("+OK ready");
      default -> c.writeLine("220 ftp ready");
    }
    while (true) {
      String line;
      try {
        line = c.readLine(1000);
      } catch (EOFException e) {
        return;
      }
      String[] w = line.split(" ");
      String verb = (protocol.equals("imap") && w.length > 1 ? w[1] : w[0]).toUpperCase(Locale.ROOT);
      String tag = w[0];
      switch (protocol + " " + verb) {
        case "smtp EHLO" -> {
          if (!c.isTls()) c.writeLine("250-mx.test");
          c.writeLine(c.isTls() ? "250 mx.test" : "250 STARTTLS");
        }
        case "smtp STARTTLS" -> c.upgradeToTls("220 go ahead");
        case "imap CAPABILITY" -> {
          c.writeLine("* CAPABILITY IMAP4rev1" + (c.isTls() ? "" : " STARTTLS"));
          c.writeLine(tag + " OK done");
        }
        case "imap STARTTLS" -> c.upgradeToTls(tag + " OK begin TLS");
        case "pop3 CAPA" -> {
          c.writeLine("+OK");
          if (!c.isTls()) c.writeLine("STLS");
          c.writeLine(".");
        }
        case "pop3 STLS" -> c.upgradeToTls("+OK begin TLS");
        case "ftp AUTH" -> c.upgradeToTls("234 AUTH TLS ok");
        default -> c.writeLine(switch (protocol) {
          case "smtp" -> "250 ok";
          case "imap" -> tag + " OK done";
          case "pop3" -> "+OK";
          default -> "200 ok";
        });
      }
    }
  }

  static TlsPolicy policy(String cert) {
    TlsPolicy.Builder b = TlsPolicy.builder().trust(Trust.anchors(CA.certificate()));
    if (cert.equals("other-ca")) b.clientCertificate(CertifiedKey.of(MALLORY.privateKey(), MALLORY.chain()));
    return b.build();
  }

  static void connect(String protocol, TlsMode mode, int port, TlsPolicy policy) throws IOException {
    TlsClient client = TlsClient.builder().policy(policy).timeout(Duration.ofSeconds(5)).build();
    switch (protocol) {
      case "smtp" -> SmtpClient.connect(client, "127.0.0.1", port, "localhost", mode, "client.test").close();
      case "imap" -> ImapClient.connect(client, "127.0.0.1", port, "localhost", mode, ImapLimits.DEFAULTS).close();
      case "pop3" -> Pop3Client.connect(client, "127.0.0.1", port, "localhost", mode).close();
      default -> FtpClient.builder().tlsMode(mode).client(TlsClient.builder().policy(policy)
          .connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(5)).build()).build()
          .connect("127.0.0.1", port, "localhost").close();
    }
  }

  @ParameterizedTest(name = "{0} {1}, client certificate {2}")
  @CsvSource({
      "smtp, STARTTLS, none", "smtp, STARTTLS, other-ca", "smtp, IMPLICIT, none", "smtp, IMPLICIT, other-ca",
      "imap, STARTTLS, none", "imap, STARTTLS, other-ca", "imap, IMPLICIT, other-ca",
      "pop3, STARTTLS, none", "pop3, STARTTLS, other-ca", "pop3, IMPLICIT, other-ca",
      "ftp, STARTTLS, none", "ftp, STARTTLS, other-ca", "ftp, IMPLICIT, other-ca"})
  void refusalOfOurCertificateIsTyped(String protocol, TlsMode mode, String cert) throws Exception {
    try (TlsServer server = TlsServer.builder(c -> serve(protocol, c),
        ServerCertificates.of(CertifiedKey.of(SERVER.privateKey(), SERVER.chain())))
        .mode(mode == TlsMode.IMPLICIT ? TlsMode.IMPLICIT : TlsMode.STARTTLS).listen("127.0.0.1", 0)
        .clientAuth(TlsServer.ClientAuth.NEED).trustedClientIssuers(List.of(CA.certificate())).start()) {
      for (int i = 0; i < RUNS; i++) {
        Throwable failure = null;
        try {
          connect(protocol, mode, server.port(), policy(cert));
        } catch (IOException e) {
          failure = e;
        }
        assertThat(failure).as("run " + i).isInstanceOfSatisfying(TlsSecurityException.class, e -> {
          assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.CLIENT_CERTIFICATE_REFUSED);
          assertThat(e.getMessage()).contains("localhost refused our client certificate")
              .contains(cert.equals("none") ? "we presented no client certificate" : "we presented CN=mallory");
        });
      }
    }
  }
}
