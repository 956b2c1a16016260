package dev.tlskit.nativetls;

import static dev.tlskit.testing.AdapterPki.CLIENT;
import static dev.tlskit.testing.AdapterPki.GOOD;
import static dev.tlskit.testing.AdapterPki.ROOT;
import static dev.tlskit.testing.AdapterPki.TRUST_ROOT;
import static dev.tlskit.testing.AdapterPki.WRONG_NAME;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.Authorizer;
import dev.tlskit.CertificateProblem;
import dev.tlskit.SecurityInfo;
import dev.tlskit.ServerCertificates;
import dev.tlskit.ServerHandler;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.TlsServer;
import dev.tlskit.Trust;
import dev.tlskit.ValidationReport;
import dev.tlskit.certs.Fingerprints;
import dev.tlskit.certs.HeldCertificate;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Real handshakes on loopback between TlsKit on the native engine and TlsKit on the JDK, both directions and
 * native to native: the same SecurityInfo, validation report, typed refusals, pins, client certificates and
 * resumption as the JDK path.
 */
class NativeHandshakeTest {
  static final TlsPolicy NATIVE = TRUST_ROOT.toBuilder().provider(NativeTls.provider()).build();

  /** An echo server: one line in, the same line out, until the client closes. */
  static final ServerHandler ECHO = c -> {
    String line;
    while ((line = c.readLine(1000)) != null) c.writeLine(line);
  };

  static TlsServer server(TlsPolicy policy, HeldCertificate cert, UnaryOperator<TlsServer.Builder> more)
      throws IOException {
    return more.apply(TlsServer.builder(ECHO, ServerCertificates.of(cert.certifiedKey())).policy(policy)
        .listen("127.0.0.1", 0)).start();
  }

  static TlsClient client(TlsPolicy policy) {
    return TlsClient.builder().policy(policy).timeout(Duration.ofSeconds(10)).build();
  }

  static SecurityInfo echo(TlsClient client, int port) throws IOException {
    try (TlsConnection c = client.connectTls("127.0.0.1", port, "localhost")) {
      c.output().write("hello native\r\n".getBytes(US_ASCII));
      c.output().flush();
      assertThat(c.readLine(100)).isEqualTo("hello native");
      return c.securityInfo();
    }
  }

  static TlsPolicy version(TlsPolicy p, String v) {
    return p.toBuilder().protocols(v).build();
  }

  @ParameterizedTest
  @CsvSource({"native,jdk,TLSv1.3", "native,jdk,TLSv1.2", "jdk,native,TLSv1.3", "jdk,native,TLSv1.2",
      "native,native,TLSv1.3", "native,native,TLSv1.2"})
  void handshakesAndEchoesBetweenEngines(String clientEngine, String serverEngine, String protocol)
      throws IOException {
    TlsPolicy cp = version(clientEngine.equals("native") ? NATIVE : TRUST_ROOT, protocol);
    TlsPolicy sp = version(serverEngine.equals("native") ? NATIVE : TRUST_ROOT, protocol);
    try (TlsServer server = server(sp, GOOD, b -> b)) {
      SecurityInfo info = echo(client(cp), server.port());
      assertThat(info.protocol()).isEqualTo(protocol);
      assertThat(info.cipherSuite()).startsWith("TLS_");
      assertThat(info.peerChain()).hasSize(2);
      assertThat(info.peerChain().get(0)).isEqualTo(GOOD.certificate());
      assertThat(info.validation().verdict()).isEqualTo(ValidationReport.Verdict.TRUSTED);
      assertThat(info.validation().built()).endsWith(ROOT.certificate());
      assertThat(info.resumed()).isFalse();
      assertThat(info.sniSent()).isTrue();
    }
  }

  @Test
  void nativeClientReportIsTheJdkClientsReportForAGoodChain() throws IOException {
    try (TlsServer server = server(TRUST_ROOT, GOOD, b -> b)) {
      ValidationReport jdk = echo(client(TRUST_ROOT), server.port()).validation();
      ValidationReport nat = echo(client(NATIVE), server.port()).validation();
      assertSameReport(nat, jdk);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"wrong-name", "untrusted", "pin"})
  void nativeClientRefusesABadChainWithTheJdkClientsReasonAndProblems(String what) throws IOException {
    HeldCertificate served = what.equals("wrong-name") ? WRONG_NAME : GOOD;
    TlsPolicy base = switch (what) {
      case "untrusted" -> TlsPolicy.builder().trust(Trust.anchors(HeldCertificate.root("Other Root").certificate()))
          .build();
      case "pin" -> TRUST_ROOT.toBuilder().pin(Fingerprints.spkiPin(CLIENT.certificate())).build();
      default -> TRUST_ROOT;
    };
    try (TlsServer server = server(TRUST_ROOT, served, b -> b)) {
      TlsSecurityException jdk = refusal(client(base), server.port());
      TlsSecurityException nat = refusal(client(base.toBuilder().provider(NativeTls.provider()).build()),
          server.port());
      assertThat(nat.reason()).isEqualTo(jdk.reason()).isEqualTo(TlsSecurityException.Reason.CERTIFICATE_REJECTED);
      assertThat(nat.handshakeFailure()).isEqualTo(jdk.handshakeFailure());
      assertSameReport(nat.report().orElseThrow(), jdk.report().orElseThrow());
      assertThat(nat.report().orElseThrow().problems()).isNotEmpty();
    }
  }

  static TlsSecurityException refusal(TlsClient client, int port) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> echo(client, port));
    assertThat(t).isInstanceOf(TlsSecurityException.class);
    return (TlsSecurityException) t;
  }

  static void assertSameReport(ValidationReport nat, ValidationReport jdk) {
    assertThat(nat.verdict()).isEqualTo(jdk.verdict());
    assertThat(nat.expectedName()).isEqualTo(jdk.expectedName());
    assertThat(nat.presented()).isEqualTo(jdk.presented());
    assertThat(nat.built()).isEqualTo(jdk.built());
    assertThat(nat.problems().stream().map(Object::getClass).toList())
        .isEqualTo(jdk.problems().stream().map(Object::getClass).toList());
    assertThat(nat.problems().stream().map(CertificateProblem::describe).toList())
        .isEqualTo(jdk.problems().stream().map(CertificateProblem::describe).toList());
    assertThat(nat.warnings().stream().map(Object::getClass).toList())
        .isEqualTo(jdk.warnings().stream().map(Object::getClass).toList());
  }

  @ParameterizedTest
  @CsvSource({"native,jdk,TLSv1.3", "jdk,native,TLSv1.3", "native,native,TLSv1.3", "native,native,TLSv1.2",
      "jdk,native,TLSv1.2"})
  void mutualTlsPresentsTheClientCertificateToTheServersAuthorizer(String clientEngine, String serverEngine,
      String protocol) throws IOException {
    TlsPolicy cp = version((clientEngine.equals("native") ? NATIVE : TRUST_ROOT).toBuilder()
        .clientCertificate(CLIENT.certifiedKey()).build(), protocol);
    TlsPolicy sp = version(serverEngine.equals("native") ? NATIVE : TRUST_ROOT, protocol);
    BlockingQueue<String> seen = new ArrayBlockingQueue<>(4);
    Authorizer onlyClient = c -> {
      seen.add(c.peerIdentity().map(p -> p.certificate().getSubjectX500Principal().getName()).orElse("none"));
      return c.peerIdentity().map(p -> p.certificate().equals(CLIENT.certificate())).orElse(false);
    };
    try (TlsServer server = server(sp, GOOD, b -> b.clientAuth(TlsServer.ClientAuth.NEED).authorizer(onlyClient))) {
      SecurityInfo info = echo(client(cp), server.port());
      assertThat(info.clientCertificateRequested()).isTrue();
      assertThat(info.localChain()).startsWith(CLIENT.certificate());
      assertThat(seen.poll()).contains("client.example");
    }
  }

  @Test
  void nativeServerRefusesAClientWithoutCertificateWhenOneIsNeeded() throws IOException {
    try (TlsServer server = server(NATIVE, GOOD, b -> b.clientAuth(TlsServer.ClientAuth.NEED))) {
      assertThatThrownBy(() -> echo(client(TRUST_ROOT), server.port()))
          .isInstanceOf(TlsSecurityException.class);
      assertThat(server.metrics().toString()).isNotEmpty();
    }
  }

  @ParameterizedTest
  @CsvSource({"native,native,TLSv1.3", "native,native,TLSv1.2", "native,jdk,TLSv1.3", "jdk,native,TLSv1.3",
      "jdk,native,TLSv1.2"})
  void resumesTheSessionOnTheSecondConnection(String clientEngine, String serverEngine, String protocol)
      throws IOException {
    TlsPolicy cp = version(clientEngine.equals("native") ? NATIVE : TRUST_ROOT, protocol);
    TlsPolicy sp = version(serverEngine.equals("native") ? NATIVE : TRUST_ROOT, protocol);
    try (TlsServer server = server(sp, GOOD, b -> b.sessionResumption(true))) {
      TlsClient client = client(cp);
      SecurityInfo first = echo(client, server.port());
      SecurityInfo second = echo(client, server.port());
      assertThat(first.resumed()).isFalse();
      assertThat(second.resumed()).isTrue();
      assertThat(second.validation().verdict()).isEqualTo(ValidationReport.Verdict.TRUSTED);
      assertThat(second.peerChain()).startsWith(GOOD.certificate());
    }
  }

  @Test
  void nativeServerWithoutResumptionResumesNothing() throws IOException {
    try (TlsServer server = server(NATIVE, GOOD, b -> b.sessionResumption(false))) {
      TlsClient client = client(TRUST_ROOT);
      echo(client, server.port());
      assertThat(echo(client, server.port()).resumed()).isFalse();
    }
  }

  @Test
  void alpnIsNegotiatedOnBothSides() throws IOException {
    BlockingQueue<String> serverSaw = new ArrayBlockingQueue<>(2);
    ServerHandler h = c -> {
      serverSaw.add(c.applicationProtocol().orElse("none"));
      ECHO.handle(c);
    };
    try (TlsServer server = TlsServer.builder(h, ServerCertificates.of(GOOD.certifiedKey())).policy(NATIVE)
        .alpn("imap", "smtp").listen("127.0.0.1", 0).start()) {
      SecurityInfo info = echo(client(NATIVE.toBuilder().alpn("smtp").build()), server.port());
      assertThat(info.alpn()).isEqualTo("smtp");
      assertThat(poll(serverSaw)).isEqualTo("smtp");
    }
  }

  static String poll(BlockingQueue<String> q) {
    try {
      return q.poll(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void keyExchangeGroupOfTheNativeEngineFollowsThePolicy() throws IOException {
    TlsPolicy p256 = NATIVE.toBuilder().namedGroups(List.of("secp256r1")).build();
    try (TlsServer server = server(TRUST_ROOT.toBuilder().namedGroups(List.of("secp256r1")).build(), GOOD,
        b -> b)) {
      assertThat(echo(client(p256), server.port()).keyExchangeGroup()).isEqualTo("secp256r1");
    }
    // a server that only has x25519 cannot agree with a native client limited to P-256
    try (TlsServer server = server(TRUST_ROOT.toBuilder().namedGroups(List.of("x25519")).build(), GOOD, b -> b)) {
      assertThatThrownBy(() -> echo(client(p256), server.port())).isInstanceOf(TlsSecurityException.class);
    }
  }

  @ParameterizedTest
  @CsvSource({"native,jdk", "jdk,native", "native,native"})
  void clientCertificateRefusalsCarryTheJdkPathsReasonAndReport(String clientEngine, String serverEngine)
      throws Exception {
    TlsPolicy sp = serverEngine.equals("native") ? NATIVE : TRUST_ROOT;
    HeldCertificate stranger = HeldCertificate.leaf(HeldCertificate.root("Stranger Root"), "client.example");
    try (TlsServer jdkServer = server(TRUST_ROOT, GOOD, b -> b.clientAuth(TlsServer.ClientAuth.NEED));
        TlsServer server = server(sp, GOOD, b -> b.clientAuth(TlsServer.ClientAuth.NEED))) {
      for (TlsPolicy base : List.of(TRUST_ROOT, TRUST_ROOT.toBuilder().clientCertificate(stranger.certifiedKey())
          .build())) {
        TlsSecurityException jdk = refusal(client(base), jdkServer.port());
        TlsPolicy cp = clientEngine.equals("native") ? base.toBuilder().provider(NativeTls.provider()).build() : base;
        TlsSecurityException nat = refusal(client(cp), server.port());
        assertThat(nat.reason()).as(nat.toString()).isEqualTo(jdk.reason());
        assertThat(nat.handshakeFailure()).as(nat.toString()).isEqualTo(jdk.handshakeFailure());
      }
      // both servers counted the same refusals (the client may see the alert before the server counts it)
      awaitSameFailures(server, jdkServer);
    }
  }

  @Test
  void nativeServerRejectsAnUnknownServerNameLikeTheJdkServer() throws Exception {
    try (TlsServer jdkServer = server(TRUST_ROOT, GOOD, b -> b.rejectUnknownServerNames(true));
        TlsServer server = server(NATIVE, GOOD, b -> b.rejectUnknownServerNames(true))) {
      TlsClient c = client(TRUST_ROOT);
      Throwable jdk = org.assertj.core.api.Assertions.catchThrowable(
          () -> c.connectTls("127.0.0.1", jdkServer.port(), "unknown.example").close());
      Throwable nat = org.assertj.core.api.Assertions.catchThrowable(
          () -> c.connectTls("127.0.0.1", server.port(), "unknown.example").close());
      assertThat(nat).isInstanceOf(TlsSecurityException.class);
      assertThat(((TlsSecurityException) nat).handshakeFailure())
          .isEqualTo(((TlsSecurityException) jdk).handshakeFailure());
      awaitSameFailures(server, jdkServer);
    }
  }

  static void awaitSameFailures(TlsServer server, TlsServer jdkServer) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!server.metrics().handshakesFailed().equals(jdkServer.metrics().handshakesFailed())
        && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    assertThat(server.metrics().handshakesFailed()).isEqualTo(jdkServer.metrics().handshakesFailed());
  }
}
