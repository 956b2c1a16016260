package dev.tlskit.okhttp;

import static dev.tlskit.testing.AdapterPki.CLIENT;
import static dev.tlskit.testing.AdapterPki.GOOD;
import static dev.tlskit.testing.AdapterPki.INTERMEDIATE;
import static dev.tlskit.testing.AdapterPki.ROOT;
import static dev.tlskit.testing.AdapterPki.TRUST_ROOT;
import static dev.tlskit.testing.AdapterPki.WRONG_NAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.CertificateProblem;
import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsServer;
import dev.tlskit.ValidationReport;
import dev.tlskit.certs.Fingerprints;
import dev.tlskit.testing.AdapterPki;
import dev.tlskit.testing.LoopbackHttps;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** OkHttp configured by OkHttpTls, against TlsKit servers on loopback with good and bad certificates. */
class OkHttpTlsTest {
  static LoopbackHttps good;

  @BeforeAll
  static void start() throws IOException {
    good = LoopbackHttps.start(GOOD.certifiedKey());
  }

  @AfterAll
  static void stop() {
    good.close();
  }

  static String get(TlsPolicy policy, String url) throws IOException {
    OkHttpClient client = OkHttpTls.configure(new OkHttpClient.Builder(), policy)
        .callTimeout(Duration.ofSeconds(20)).retryOnConnectionFailure(false).build();
    try (Response r = client.newCall(new Request.Builder().url(url).build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      return r.body().string();
    } finally {
      client.connectionPool().evictAll();
    }
  }

  static ValidationReport refusal(TlsPolicy policy, String url) {
    Throwable[] failure = new Throwable[1];
    assertThatThrownBy(() -> get(policy, url)).isInstanceOf(SSLHandshakeException.class)
        .satisfies(e -> failure[0] = e);
    return ValidationReport.of(failure[0]).orElseThrow(() -> new AssertionError("no report in", failure[0]));
  }

  @Test
  void getsThroughAServerThePolicyTrusts() throws IOException {
    assertThat(get(TRUST_ROOT, good.url("localhost"))).startsWith("TLSv1.3 TLS_AES_").contains("client=-");
  }

  @Test
  void refusesAnUntrustedServerWithTheReport() {
    ValidationReport r = refusal(TlsPolicy.MODERN, good.url("localhost"));
    assertThat(r.problems()).hasAtLeastOneElementOfType(CertificateProblem.UntrustedIssuer.class);
  }

  @Test
  void refusesAWrongNameWithTheReport() throws IOException {
    try (LoopbackHttps wrong = LoopbackHttps.start(WRONG_NAME.certifiedKey())) {
      ValidationReport r = refusal(TRUST_ROOT, wrong.url("localhost"));
      assertThat(r.problems()).singleElement().isInstanceOfSatisfying(CertificateProblem.NameMismatch.class,
          m -> assertThat(m.expected()).isEqualTo("localhost"));
    }
  }

  @Test
  void refusesAPinMismatchWithTheReport() throws IOException {
    TlsPolicy pinned = TRUST_ROOT.toBuilder().pin(Fingerprints.spkiPin(WRONG_NAME.certificate())).build();
    ValidationReport r = refusal(pinned, good.url("localhost"));
    assertThat(r.problems()).singleElement().isInstanceOf(CertificateProblem.PinMismatch.class);
    TlsPolicy rightPin = TRUST_ROOT.toBuilder().pin(Fingerprints.spkiPin(INTERMEDIATE.certificate())).build();
    assertThat(get(rightPin, good.url("localhost"))).startsWith("TLSv1.3");
  }

  @Test
  void refusesARevokedCertificateWithTheReport() {
    ValidationReport r = refusal(AdapterPki.revokingGood(), good.url("localhost"));
    assertThat(r.problems()).singleElement().isInstanceOfSatisfying(CertificateProblem.Revoked.class,
        p -> assertThat(p.subject()).isEqualTo("CN=localhost"));
  }

  @Test
  void usesExactlyThePolicysVersionAndSuite() throws IOException {
    TlsPolicy tls12 = TRUST_ROOT.toBuilder().protocols("TLSv1.2")
        .cipherSuites(List.of("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256")).build();
    assertThat(get(tls12, good.url("localhost"))).startsWith("TLSv1.2 TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 ");
    assertThat(OkHttpTls.connectionSpec(tls12).cipherSuites()).hasSize(1);
  }

  @Test
  void presentsThePolicysClientCertificate() throws IOException {
    try (LoopbackHttps mtls = LoopbackHttps.start(GOOD.certifiedKey(), b -> b.clientAuth(TlsServer.ClientAuth.NEED)
        .trustedClientIssuers(List.of(ROOT.certificate())))) {
      TlsPolicy withCert = TRUST_ROOT.toBuilder().clientCertificate(CLIENT.certifiedKey()).build();
      assertThat(get(withCert, mtls.url("localhost"))).contains("client=CN=client.example");
      assertThatThrownBy(() -> get(TRUST_ROOT, mtls.url("localhost"))).isInstanceOf(IOException.class);
    }
  }

  @Test
  void offersOnlyThePolicysKeyExchangeGroups() throws IOException {
    // a server that takes secp256r1 only: the client's default list has it, the policy's list does not
    TlsPolicy p256Only = TlsPolicy.builder().namedGroups(List.of("secp256r1")).build();
    try (LoopbackHttps p256 = LoopbackHttps.start(GOOD.certifiedKey(), b -> b.policy(p256Only))) {
      assertThat(get(TRUST_ROOT.toBuilder().namedGroups(List.of("secp256r1")).build(), p256.url("localhost"))).startsWith("TLSv1.3");
      TlsPolicy x448Only = TRUST_ROOT.toBuilder().namedGroups(List.of("x448")).build();
      assertThatThrownBy(() -> get(x448Only, p256.url("localhost"))).isInstanceOf(javax.net.ssl.SSLException.class);
    }
  }

  @Test
  void offersThePolicysAlpnProtocols() throws IOException {
    // the server prefers h2: only if OkHttp offers exactly the policy's list does it pick http/1.1
    try (LoopbackHttps alpn = LoopbackHttps.start(GOOD.certifiedKey(), b -> b.alpn("h2", "http/1.1"))) {
      assertThat(get(TRUST_ROOT.toBuilder().alpn("http/1.1").build(), alpn.url("localhost")))
          .contains("alpn=http/1.1");
    }
    assertThatThrownBy(() -> OkHttpTls.configure(new OkHttpClient.Builder(), TRUST_ROOT.toBuilder().alpn("imap").build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'imap'");
    assertThatThrownBy(() -> OkHttpTls.configure(new OkHttpClient.Builder(), TRUST_ROOT.toBuilder().alpn("h2").build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lacks http/1.1");
  }

  @Test
  void onlyThePolicysDangerousSwitchSkipsTheHostName() throws IOException {
    TlsPolicy skip = TRUST_ROOT.toBuilder().dangerous().skipHostnameVerification().build();
    try (LoopbackHttps wrong = LoopbackHttps.start(WRONG_NAME.certifiedKey())) {
      assertThat(get(skip, wrong.url("localhost"))).startsWith("TLSv1.3");
    }
  }
}
