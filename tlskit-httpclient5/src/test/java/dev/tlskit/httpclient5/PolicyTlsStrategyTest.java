package dev.tlskit.httpclient5;

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
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** HttpClient 5, classic and async, with PolicyTlsStrategy against TlsKit servers on loopback. */
class PolicyTlsStrategyTest {
  enum Client { CLASSIC, ASYNC }

  static LoopbackHttps good;

  @BeforeAll
  static void start() throws IOException {
    good = LoopbackHttps.start(GOOD.certifiedKey());
  }

  @AfterAll
  static void stop() {
    good.close();
  }

  static String get(Client kind, TlsPolicy policy, String url) throws Exception {
    return get(kind, policy, url, TlsConfig.DEFAULT);
  }

  static String get(Client kind, TlsPolicy policy, String url, TlsConfig tls) throws Exception {
    PolicyTlsStrategy strategy = PolicyTlsStrategy.of(policy);
    if (kind == Client.CLASSIC) {
      try (CloseableHttpClient http = HttpClients.custom().setConnectionManager(PoolingHttpClientConnectionManagerBuilder
          .create().setTlsSocketStrategy(strategy).setDefaultTlsConfig(tls).build()).build()) {
        return http.execute(new HttpGet(url), r -> {
          assertThat(r.getCode()).isEqualTo(200);
          return EntityUtils.toString(r.getEntity());
        });
      }
    }
    try (CloseableHttpAsyncClient http = HttpAsyncClients.custom().setConnectionManager(
        PoolingAsyncClientConnectionManagerBuilder.create().setTlsStrategy(strategy).setDefaultTlsConfig(tls).build())
        .build()) {
      http.start();
      SimpleHttpResponse r = http.execute(SimpleRequestBuilder.get(url).build(), null).get(20, TimeUnit.SECONDS);
      assertThat(r.getCode()).isEqualTo(200);
      return r.getBodyText();
    }
  }

  static ValidationReport refusal(Client kind, TlsPolicy policy, String url) {
    Throwable[] failure = new Throwable[1];
    assertThatThrownBy(() -> get(kind, policy, url))
        .satisfies(e -> failure[0] = e instanceof ExecutionException ? e.getCause() : e)
        .satisfies(e -> assertThat(failure[0]).isInstanceOf(SSLHandshakeException.class));
    return ValidationReport.of(failure[0]).orElseThrow(() -> new AssertionError("no report in", failure[0]));
  }

  @ParameterizedTest
  @EnumSource(Client.class)
  void getsThroughAServerThePolicyTrusts(Client kind) throws Exception {
    assertThat(get(kind, TRUST_ROOT, good.url("localhost"))).startsWith("TLSv1.3 TLS_AES_").contains("client=-");
  }

  @ParameterizedTest
  @EnumSource(Client.class)
  void refusesAnUntrustedServerWithTheReport(Client kind) {
    ValidationReport r = refusal(kind, TlsPolicy.MODERN, good.url("localhost"));
    assertThat(r.problems()).hasAtLeastOneElementOfType(CertificateProblem.UntrustedIssuer.class);
  }

  @ParameterizedTest
  @EnumSource(Client.class)
  void refusesAWrongNameWithTheReport(Client kind) throws IOException {
    try (LoopbackHttps wrong = LoopbackHttps.start(WRONG_NAME.certifiedKey())) {
      ValidationReport r = refusal(kind, TRUST_ROOT, wrong.url("localhost"));
      assertThat(r.problems()).singleElement().isInstanceOfSatisfying(CertificateProblem.NameMismatch.class,
          m -> assertThat(m.expected()).isEqualTo("localhost"));
    }
  }

  @ParameterizedTest
  @EnumSource(Client.class)
  void refusesAPinMismatchWithTheReport(Client kind) throws Exception {
    TlsPolicy pinned = TRUST_ROOT.toBuilder().pin(Fingerprints.spkiPin(WRONG_NAME.certificate())).build();
    ValidationReport r = refusal(kind, pinned, good.url("localhost"));
    assertThat(r.problems()).singleElement().isInstanceOf(CertificateProblem.PinMismatch.class);
    TlsPolicy rightPin = TRUST_ROOT.toBuilder().pin(Fingerprints.spkiPin(INTERMEDIATE.certificate())).build();
    assertThat(get(kind, rightPin, good.url("localhost"))).startsWith("TLSv1.3");
  }

  @ParameterizedTest
  @EnumSource(Client.class)
  void refusesARevokedCertificateWithTheReport(Client kind) {
    ValidationReport r = refusal(kind, AdapterPki.revokingGood(), good.url("localhost"));
    assertThat(r.problems()).singleElement().isInstanceOfSatisfying(CertificateProblem.Revoked.class,
        p -> assertThat(p.subject()).isEqualTo("CN=localhost"));
  }

  @ParameterizedTest
  @EnumSource(Client.class)
  void aTlsConfigCannotWidenThePolicy(Client kind) throws Exception {
    TlsPolicy tls12 = TRUST_ROOT.toBuilder().protocols("TLSv1.2")
        .cipherSuites(List.of("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256")).build();
    TlsConfig wider = TlsConfig.custom().setSupportedProtocols("TLSv1.3", "TLSv1.2")
        .setSupportedCipherSuites("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256").build();
    assertThat(get(kind, tls12, good.url("localhost"), wider))
        .startsWith("TLSv1.2 TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 ");
  }

  @ParameterizedTest
  @EnumSource(Client.class)
  void presentsThePolicysClientCertificate(Client kind) throws Exception {
    try (LoopbackHttps mtls = LoopbackHttps.start(GOOD.certifiedKey(), b -> b.clientAuth(TlsServer.ClientAuth.NEED)
        .trustedClientIssuers(List.of(ROOT.certificate())))) {
      TlsPolicy withCert = TRUST_ROOT.toBuilder().clientCertificate(CLIENT.certifiedKey()).build();
      assertThat(get(kind, withCert, mtls.url("localhost"))).contains("client=CN=client.example");
    }
  }

  @ParameterizedTest
  @EnumSource(Client.class)
  void offersOnlyThePolicysKeyExchangeGroups(Client kind) throws Exception {
    // a server that takes secp256r1 only: the client's default list has it, the policy's list does not
    TlsPolicy p256Only = TlsPolicy.builder().namedGroups(List.of("secp256r1")).build();
    try (LoopbackHttps p256 = LoopbackHttps.start(GOOD.certifiedKey(), b -> b.policy(p256Only))) {
      assertThat(get(kind, TRUST_ROOT.toBuilder().namedGroups(List.of("secp256r1")).build(), p256.url("localhost"))).startsWith("TLSv1.3");
      TlsPolicy x448Only = TRUST_ROOT.toBuilder().namedGroups(List.of("x448")).build();
      assertThatThrownBy(() -> get(kind, x448Only, p256.url("localhost"))).satisfies(e ->
          assertThat(e instanceof ExecutionException ? e.getCause() : e).isInstanceOf(javax.net.ssl.SSLException.class));
    }
  }

  @ParameterizedTest
  @EnumSource(Client.class)
  void offersThePolicysAlpnProtocols(Client kind) throws Exception {
    // the server prefers h2; HttpClient's async default would offer it: only the policy's list keeps http/1.1
    try (LoopbackHttps alpn = LoopbackHttps.start(GOOD.certifiedKey(), b -> b.alpn("h2", "http/1.1"))) {
      assertThat(get(kind, TRUST_ROOT.toBuilder().alpn("http/1.1").build(), alpn.url("localhost")))
          .contains("alpn=http/1.1");
    }
  }

  @Test
  void refusesAlpnHttpClientCannotSpeak() throws Exception {
    assertThatThrownBy(() -> PolicyTlsStrategy.of(TRUST_ROOT.toBuilder().alpn("imap").build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'imap'");
    TlsConfig http1 = TlsConfig.custom().setVersionPolicy(HttpVersionPolicy.FORCE_HTTP_1).build();
    assertThatThrownBy(() -> get(Client.ASYNC, TRUST_ROOT.toBuilder().alpn("h2").build(), good.url("localhost"),
        http1)).hasStackTraceContaining("has no protocol this HttpClient connection speaks");
  }

  @ParameterizedTest
  @EnumSource(Client.class)
  void onlyThePolicysDangerousSwitchSkipsTheHostName(Client kind) throws Exception {
    TlsPolicy skip = TRUST_ROOT.toBuilder().dangerous().skipHostnameVerification().build();
    try (LoopbackHttps wrong = LoopbackHttps.start(WRONG_NAME.certifiedKey())) {
      assertThat(get(kind, skip, wrong.url("localhost"))).startsWith("TLSv1.3");
    }
  }
}
