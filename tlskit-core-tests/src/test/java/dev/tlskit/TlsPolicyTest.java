package dev.tlskit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Presets, defaults, and contradictions refused at build time. */
class TlsPolicyTest {
  @Test
  void modernIsTheDefaultAndOnlyHasForwardSecretAeadSuites() {
    TlsPolicy p = TlsPolicy.builder().build();
    assertThat(p.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(p.cipherSuites()).allMatch(s -> s.startsWith("TLS_AES_") || s.startsWith("TLS_CHACHA20_")
        || (s.startsWith("TLS_ECDHE_") && (s.contains("_GCM_") || s.contains("CHACHA20_POLY1305"))));
    assertThat(p.namedGroups()).containsExactly("x25519", "secp256r1", "x448", "secp384r1");
    assertThat(p.signatureSchemes()).noneMatch(s -> s.contains("sha1"));
    assertThat(p.trust().isSystem()).isTrue();
    assertThat(p.revocation()).isEqualTo(Revocation.OFF);
  }

  @Test
  void strictIsTls13Only() {
    assertThat(TlsPolicy.STRICT.protocols()).containsExactly("TLSv1.3");
    assertThat(TlsPolicy.STRICT.cipherSuites()).allMatch(s -> s.startsWith("TLS_AES_") || s.startsWith("TLS_CHA"));
  }

  @Test
  void legacyAddsForwardSecretCbcButNeverRsaKeyExchangeOr3des() {
    assertThat(TlsPolicy.LEGACY_COMPATIBLE.cipherSuites()).contains("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256")
        .noneMatch(s -> s.startsWith("TLS_RSA_") || s.contains("3DES") || s.contains("RC4") || s.contains("NULL"));
    assertThat(TlsPolicy.LEGACY_COMPATIBLE.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
  }

  @Test
  void contradictionsAreRefusedNamingBothSettings() {
    assertThatThrownBy(() -> TlsPolicy.builder().protocols("TLSv1.3")
        .cipherSuites(List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")).build())
        .hasMessageContaining("protocols").hasMessageContaining("cipherSuites");
    assertThatThrownBy(() -> TlsPolicy.builder().protocols("TLSv1.2")
        .cipherSuites(List.of("TLS_AES_128_GCM_SHA256")).build())
        .hasMessageContaining("protocols").hasMessageContaining("cipherSuites");
    assertThatThrownBy(() -> TlsPolicy.builder().pin("sha256/" + "A".repeat(43) + "=").dangerous()
        .acceptAnyCertificate().build()).hasMessageContaining("pins").hasMessageContaining("acceptAnyCertificate");
    assertThatThrownBy(() -> TlsPolicy.builder().revocation(Revocation.HARD_FAIL).dangerous()
        .acceptAnyCertificate().build()).hasMessageContaining("HARD_FAIL").hasMessageContaining("dangerous");
    assertThatThrownBy(() -> TlsPolicy.builder().clientCertificate(ClientCertificateTest.CLIENT.certifiedKey())
        .clientCertificateSelector(r -> java.util.Optional.empty()).build())
        .hasMessageContaining("clientCertificate and clientCertificateSelector");
    assertThatThrownBy(() -> TlsPolicy.builder().crls(List.of(TestPki.crl(ClientCertificateTest.CLIENT_CA)))
        .build()).hasMessageContaining("crls").hasMessageContaining("revocation is OFF");
  }

  @Test
  void weakSettingsAreRefusedWithTheBadValue() {
    assertThatThrownBy(() -> TlsPolicy.builder().protocols("TLSv1.1").build()).hasMessageContaining("TLSv1.1");
    assertThatThrownBy(() -> TlsPolicy.builder().protocols("SSLv3")).hasMessageContaining("SSLv3");
    assertThatThrownBy(() -> TlsPolicy.builder()
        .cipherSuites(List.of("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256")).build())
        .hasMessageContaining("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256").hasMessageContaining("LEGACY_COMPATIBLE");
    assertThatThrownBy(() -> TlsPolicy.builder().cipherSuites(List.of("SSL_RSA_WITH_3DES_EDE_CBC_SHA")).build())
        .hasMessageContaining("SSL_RSA_WITH_3DES_EDE_CBC_SHA");
    assertThatThrownBy(() -> TlsPolicy.builder().cipherSuites(List.of("TLS_RSA_WITH_RC4_128_SHA")))
        .hasMessageContaining("TLS_RSA_WITH_RC4_128_SHA");
    assertThatThrownBy(() -> TlsPolicy.builder().cipherSuites(List.of("TLS_RSA_WITH_AES_128_GCM_SHA256")).build())
        .hasMessageContaining("forward secrecy").hasMessageContaining("dangerous().allowRsaKeyExchange()");
    assertThatThrownBy(() -> TlsPolicy.builder().pin("sha1/abc")).hasMessageContaining("sha1/abc");
    assertThatThrownBy(() -> TlsPolicy.builder().pin("sha256/abc")).hasMessageContaining("32-byte");
    assertThatThrownBy(() -> TlsPolicy.builder().signatureSchemes(List.of("rsa_pkcs1_sha1")))
        .hasMessageContaining("rsa_pkcs1_sha1");
    assertThatThrownBy(() -> TlsClient.builder().readTimeout(Duration.ZERO)).hasMessageContaining("readTimeout");
    assertThat(TlsPolicy.LEGACY_COMPATIBLE.toBuilder().dangerous().allowRsaKeyExchange()
        .cipherSuites(List.of("TLS_RSA_WITH_AES_128_GCM_SHA256")).build().cipherSuites()).hasSize(1);
  }

  @Test
  void strictPolicyRefusesATls12OnlyServerAndModernAcceptsIt() throws Exception {
    try (LoopbackTlsPeer server = LoopbackTlsPeer.builder(ConnectionTest.LEAF.certifiedKey())
        .protocols("TLSv1.2").build()) {
      TlsPolicy trust = CertificateValidationTest.TRUST_ROOT;
      try (TlsConnection c = TlsClient.builder().policy(trust).build()
          .connectTls("127.0.0.1", server.port(), "localhost")) {
        assertThat(c.securityInfo().protocol()).isEqualTo("TLSv1.2");
        assertThat(c.securityInfo().cipherSuite()).startsWith("TLS_ECDHE_");
      }
      TlsPolicy strict = TlsPolicy.STRICT.toBuilder().trust(trust.trust()).build();
      assertThatThrownBy(() -> TlsClient.builder().policy(strict).build()
          .connectTls("127.0.0.1", server.port(), "localhost"))
          .isInstanceOfSatisfying(TlsSecurityException.class,
              e -> assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.HANDSHAKE_FAILED));
    }
  }

  @Test
  void onlyTheLegacyPolicyTalksToAServerWithoutForwardSecrecy() throws Exception {
    TestPki.Held rsaLeaf = TestPki.builder("localhost").san("localhost")
        .issuer(CertificateValidationTest.INTERMEDIATE).rsa(2048).build();
    try (LoopbackTlsPeer server = LoopbackTlsPeer.builder(rsaLeaf.certifiedKey()).protocols("TLSv1.2")
        .suites("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256").build()) {
      Trust trust = CertificateValidationTest.TRUST_ROOT.trust();
      assertThatThrownBy(() -> TlsClient.builder().policy(TlsPolicy.builder().trust(trust).build()).build()
          .connectTls("127.0.0.1", server.port(), "localhost")).isInstanceOf(TlsSecurityException.class);
      TlsPolicy legacy = TlsPolicy.LEGACY_COMPATIBLE.toBuilder().trust(trust).build();
      try (TlsConnection c = TlsClient.builder().policy(legacy).build()
          .connectTls("127.0.0.1", server.port(), "localhost")) {
        assertThat(c.securityInfo().cipherSuite()).isEqualTo("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256");
      }
    }
  }
}
