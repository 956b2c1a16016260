package dev.tlskit.internal.starttls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.AutoTlsException;
import dev.tlskit.AutoTlsException.Seen;
import dev.tlskit.ProtocolException;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsMode.DecidedBy;
import dev.tlskit.TlsMode.Decision;
import dev.tlskit.ftp.FtpClient;
import dev.tlskit.ftp.FtpSession;
import dev.tlskit.imap.ImapClient;
import dev.tlskit.imap.ImapLimits;
import dev.tlskit.pop3.Pop3Client;
import dev.tlskit.smtp.SmtpClient;
import dev.tlskit.testpeer.MailTests;
import dev.tlskit.testpeer.ScriptedPeer;
import dev.tlskit.testpeer.TestPki;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link TlsMode#AUTO} on ports that do not name the mode (every loopback test port): it looks at what the server
 * does, for SMTP, IMAP, POP3 and FTP alike, sends nothing in plaintext before TLS, and fails with a typed error that
 * says what it saw, well before the read timeout, when the server is neither.
 */
class AutoTlsTest {
  private static final TestPki PKI = TestPki.get();

  /** Connects a protocol client with AUTO and returns how its mode was decided. */
  @FunctionalInterface
  interface Connect {
    Decision run(TlsClient client, int port) throws Exception;
  }

  private static Connect connect(StarttlsProtocol protocol) {
    return switch (protocol) {
      case SMTP -> (c, port) -> {
        try (SmtpClient s = SmtpClient.connect(c, "127.0.0.1", port, "localhost", TlsMode.AUTO, "localhost")) {
          assertThat(s.securityInfo()).isPresent();
          return s.tlsModeDecision();
        }
      };
      case IMAP -> (c, port) -> {
        try (ImapClient s = ImapClient.connect(c, "127.0.0.1", port, "localhost", TlsMode.AUTO,
            ImapLimits.DEFAULTS)) {
          assertThat(s.securityInfo()).isPresent();
          return s.tlsModeDecision();
        }
      };
      case POP3 -> (c, port) -> {
        try (Pop3Client s = Pop3Client.connect(c, "127.0.0.1", port, "localhost", TlsMode.AUTO)) {
          assertThat(s.securityInfo()).isPresent();
          return s.tlsModeDecision();
        }
      };
      case FTP -> (c, port) -> {
        try (FtpSession s = FtpClient.builder().client(c).build().connect("127.0.0.1", port, "localhost")) {
          assertThat(s.securityInfo()).isNotNull();
          assertThat(s.tlsMode()).isEqualTo(s.tlsModeDecision().mode());
          return s.tlsModeDecision();
        }
      };
    };
  }

  /** What an implicit-TLS server says after the handshake until the client is done. */
  private static String[] implicitScript(StarttlsProtocol protocol) {
    return switch (protocol) {
      case SMTP -> new String[] {"S: 220 mx", "C: EHLO localhost", "S: 250 mx"};
      case IMAP -> new String[] {"S: * OK hi", "C: {tag} CAPABILITY", "S: * CAPABILITY IMAP4rev1\r\n{tag} OK done"};
      case POP3 -> new String[] {"S: +OK hi", "C: CAPA", "S: +OK\r\nUSER\r\n."};
      case FTP -> new String[] {"S: 220 hi", "C: FEAT", "S: 211 no features", "C: QUIT", "S: 221 bye"};
    };
  }

  /** A plaintext server that greets and offers the upgrade. */
  private static String[] starttlsScript(StarttlsProtocol protocol) {
    return switch (protocol) {
      case SMTP -> new String[] {"S: 220 mx", "C: EHLO localhost", "S: 250-mx\r\n250 STARTTLS", "C: STARTTLS",
          "S: 220 go", "TLS", "C: EHLO localhost", "S: 250 mx"};
      case IMAP -> new String[] {"S: * OK hi", "C: {tag} CAPABILITY",
          "S: * CAPABILITY IMAP4rev1 STARTTLS\r\n{tag} OK done", "C: {tag} STARTTLS", "S: {tag} OK go", "TLS",
          "C: {tag} CAPABILITY", "S: * CAPABILITY IMAP4rev1\r\n{tag} OK done"};
      case POP3 -> new String[] {"S: +OK hi", "C: CAPA", "S: +OK\r\nSTLS\r\n.", "C: STLS", "S: +OK go", "TLS",
          "C: CAPA", "S: +OK\r\nUSER\r\n."};
      case FTP -> new String[] {"S: 220 hi", "C: AUTH TLS", "S: 234 go", "TLS", "C: FEAT", "S: 211 no features",
          "C: QUIT", "S: 221 bye"};
    };
  }

  @ParameterizedTest
  @EnumSource(StarttlsProtocol.class)
  void silentServerOnAnUnusualPortGetsImplicitTls(StarttlsProtocol protocol) throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.implicitTls(PKI.serverContext(), implicitScript(protocol))) {
      // the patient client: before, AUTO took the port for STARTTLS and waited out this 30 s read timeout
      Decision d = (Decision) failsNotAndIsQuick(
          () -> connect(protocol).run(MailTests.patientClient(PKI.clientContext()), peer.port()));
      assertThat(d).isEqualTo(new Decision(TlsMode.IMPLICIT, DecidedBy.LOOKING));
      assertThat(peer.finish()).isEmpty();
      assertThat(peer.plaintextFromClient()).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(StarttlsProtocol.class)
  void greetingServerOnAnUnusualPortGetsRequiredStarttls(StarttlsProtocol protocol) throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(PKI.serverContext(), starttlsScript(protocol))) {
      Decision d = connect(protocol).run(MailTests.client(PKI.clientContext()), peer.port());
      assertThat(d).isEqualTo(new Decision(TlsMode.STARTTLS, DecidedBy.LOOKING));
      assertThat(peer.finish()).isEmpty();
    }
  }

  @Test
  void greetingServerWithoutTheUpgradeIsRefusedAsUnderStarttls() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(PKI.serverContext(), "S: 220 mx", "C: EHLO localhost",
        "S: 250 mx")) {
      Throwable e = MailTests.failsAtOnce(() -> connect(StarttlsProtocol.SMTP)
          .run(MailTests.patientClient(PKI.clientContext()), peer.port()));
      assertThat(e).isInstanceOfSatisfying(dev.tlskit.TlsSecurityException.class,
          s -> assertThat(s.reason()).isEqualTo(dev.tlskit.TlsSecurityException.Reason.UPGRADE_NOT_OFFERED));
      assertThat(peer.finish()).isEmpty();
    }
  }

  static Stream<Arguments> silentThenRefused() {
    return Stream.of(StarttlsProtocol.values()).flatMap(p -> Stream.of(
        Arguments.of(p, "500 5.5.1 what is this?\r\n", Seen.SILENT_THEN_NOT_TLS),
        Arguments.of(p, "", Seen.SILENT_THEN_CLOSED)));
  }

  @ParameterizedTest(name = "{0} {2}")
  @MethodSource("silentThenRefused")
  void silentServerThatRefusesTlsIsATypedErrorAtOnce(StarttlsProtocol protocol, String answer, Seen seen)
      throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Integer> firstByte = CompletableFuture.supplyAsync(() -> {
        try (Socket s = server.accept()) {
          s.setSoTimeout(10_000);
          InputStream in = s.getInputStream();
          byte[] header = in.readNBytes(5); // what the client sent first: a record header, and its record
          in.readNBytes(((header[3] & 0xff) << 8) | (header[4] & 0xff));
          s.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          if (!answer.isEmpty()) in.readAllBytes(); // let the client read the answer, then close
          return header[0] & 0xff;
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      Throwable e = MailTests.failsAtOnce(
          () -> connect(protocol).run(MailTests.patientClient(PKI.clientContext()), server.getLocalPort()));
      assertThat(e).isInstanceOfSatisfying(AutoTlsException.class, a -> {
        assertThat(a.seen()).isEqualTo(seen);
        assertThat(a.waited()).isEqualTo(AutoTls.GREETING_WAIT);
      });
      assertThat(e.getMessage()).contains(protocol + " server localhost on port " + server.getLocalPort()
          + " sent nothing within 1500 ms, so TLS was started").contains("Name the mode (STARTTLS)");
      assertThat(firstByte.get(10, TimeUnit.SECONDS)).as("a TLS handshake record, nothing in plaintext")
          .isEqualTo(0x16);
    }
  }

  @Test
  void silentServerThatNeverAnswersTheClientHelloIsATypedErrorAfterTheHandshakeTimeout() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("SLEEP 8000")) {
      TlsClient client = MailTests.patientClient(PKI.clientContext()).toBuilder()
          .handshakeTimeout(java.time.Duration.ofSeconds(2)).build();
      Throwable e = MailTests.failsAtOnce(() -> connect(StarttlsProtocol.IMAP).run(client, peer.port()));
      assertThat(e).isInstanceOfSatisfying(AutoTlsException.class,
          a -> assertThat(a.seen()).isEqualTo(Seen.SILENT_THEN_NO_ANSWER));
      assertThat(e.getMessage()).contains("sent nothing within 1500 ms, so TLS was started")
          .contains("did not answer the ClientHello in time");
    }
  }

  static Stream<Arguments> whatTheServerSent() {
    return Stream.of(
        Arguments.of(new String[] {"CLOSE"}, Seen.CLOSED_AT_ONCE, "closed the connection without sending anything"),
        Arguments.of(new String[] {"HEX: 15 03 03 00 02 02 28"}, Seen.TLS_RECORD_FIRST,
            "a TLS alert: fatal handshake_failure (40)"),
        Arguments.of(new String[] {"HEX: 00 ff 13 37 0d"}, Seen.NO_GREETING_LINE,
            "sent \"\\x00\\xff\\x137\\r\", which is neither a TLS record nor a greeting line within 1500 ms"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("whatTheServerSent")
  void serverThatNeitherGreetsNorWaitsIsATypedErrorSayingWhatItSent(String[] script, Seen seen, String said)
      throws Exception {
    for (StarttlsProtocol protocol : StarttlsProtocol.values()) {
      try (ScriptedPeer peer = ScriptedPeer.plain(script)) {
        Throwable e = MailTests.failsAtOnce(
            () -> connect(protocol).run(MailTests.patientClient(PKI.clientContext()), peer.port()));
        assertThat(e).as(protocol.name()).isInstanceOfSatisfying(AutoTlsException.class,
            a -> assertThat(a.seen()).isEqualTo(seen));
        assertThat(e.getMessage()).startsWith(protocol + " server localhost on port " + peer.port() + " ")
            .contains(said);
        peer.finish();
        assertThat(peer.plaintextFromClient()).as("nothing sent in plaintext").isEmpty();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(StarttlsProtocol.class)
  void garbageLineIsTakenForAGreetingAndRefusedByTheProtocol(StarttlsProtocol protocol) throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: SSH-2.0-OpenSSH_9.2p1")) {
      Throwable e = MailTests.failsAtOnce(
          () -> connect(protocol).run(MailTests.patientClient(PKI.clientContext()), peer.port()));
      assertThat(e).as(String.valueOf(e)).isInstanceOf(ProtocolException.class)
          .isNotInstanceOf(AutoTlsException.class);
      assertThat(e.getMessage()).contains("SSH-2.0-OpenSSH_9.2p1");
      peer.finish();
      assertThat(peer.plaintextFromClient()).as("nothing sent in plaintext").isEmpty();
    }
  }

  @Test
  void wellKnownPortsAndNamedModesNeedNoLook() {
    record Case(StarttlsProtocol protocol, int port, TlsMode mode) {}
    for (Case c : new Case[] {new Case(StarttlsProtocol.SMTP, 465, TlsMode.IMPLICIT),
        new Case(StarttlsProtocol.SMTP, 587, TlsMode.STARTTLS), new Case(StarttlsProtocol.SMTP, 25, TlsMode.STARTTLS),
        new Case(StarttlsProtocol.IMAP, 993, TlsMode.IMPLICIT), new Case(StarttlsProtocol.IMAP, 143, TlsMode.STARTTLS),
        new Case(StarttlsProtocol.POP3, 995, TlsMode.IMPLICIT), new Case(StarttlsProtocol.POP3, 110, TlsMode.STARTTLS),
        new Case(StarttlsProtocol.FTP, 990, TlsMode.IMPLICIT), new Case(StarttlsProtocol.FTP, 21, TlsMode.STARTTLS)}) {
      assertThat(AutoTls.byPort(c.protocol(), TlsMode.AUTO, c.port())).as(c.toString())
          .isEqualTo(new Decision(c.mode(), DecidedBy.PORT));
    }
    assertThat(AutoTls.byPort(StarttlsProtocol.IMAP, TlsMode.AUTO, 465)).as("SMTP's port is not IMAP's").isNull();
    assertThat(AutoTls.byPort(StarttlsProtocol.SMTP, TlsMode.AUTO, 2525)).isNull();
    assertThat(AutoTls.byPort(StarttlsProtocol.SMTP, TlsMode.STARTTLS, 465))
        .isEqualTo(new Decision(TlsMode.STARTTLS, DecidedBy.NAME));
  }

  /** Runs {@code call}, which must succeed before a patient client's read timeout could have passed. */
  private static Object failsNotAndIsQuick(java.util.concurrent.Callable<?> call) throws Exception {
    long start = System.nanoTime();
    Object result = call.call();
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(MailTests.PATIENT_READ_TIMEOUT);
    return result;
  }
}
