package dev.tlskit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.security.Security;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;
import org.junit.jupiter.api.Test;

/** A policy runs on another JSSE provider (BouncyCastle's, which FTPS session reuse on TLS 1.2 needs). */
class ProviderTest {
  static final Provider BCJSSE;

  static {
    if (Security.getProvider("BC") == null) Security.addProvider(new BouncyCastleProvider());
    BCJSSE = new BouncyCastleJsseProvider();
  }

  @Test
  void policyOnBouncyCastleJsseValidatesWithTheSameReport() throws Exception {
    TlsPolicy policy = CertificateValidationTest.TRUST_ROOT.toBuilder().provider(BCJSSE).build();
    try (LoopbackTlsPeer server = LoopbackTlsPeer.echo(ConnectionTest.LEAF.certifiedKey())) {
      for (String version : new String[] {"TLSv1.3", "TLSv1.2"}) {
        TlsPolicy p = version.equals("TLSv1.2") ? policy.toBuilder().protocols("TLSv1.2").build() : policy;
        TlsClient client = TlsClient.builder().policy(p).build();
        assertThat(client.sslContext().getProvider().getName()).isEqualTo("BCJSSE");
        try (TlsConnection c = client.connectTls("127.0.0.1", server.port(), "localhost")) {
          c.output().write("bc\n".getBytes(StandardCharsets.US_ASCII));
          c.output().flush();
          assertThat(c.readLine(10)).isEqualTo("bc");
          assertThat(c.securityInfo().protocol()).isEqualTo(version);
          assertThat(c.securityInfo().validation().trusted()).isTrue();
          assertThat(c.securityInfo().validation().built()).hasSize(3);
        }
      }
    }
    TestPki.Held wrongName = TestPki.leaf(CertificateValidationTest.INTERMEDIATE, "other.example");
    try (LoopbackTlsPeer server = LoopbackTlsPeer.echo(wrongName.certifiedKey())) {
      assertThatThrownBy(() -> TlsClient.builder().policy(policy).build()
          .connectTls("127.0.0.1", server.port(), "localhost"))
          .isInstanceOfSatisfying(TlsSecurityException.class, e -> {
            assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.CERTIFICATE_REJECTED);
            assertThat(e.report().orElseThrow().problems()).singleElement()
                .isInstanceOf(CertificateProblem.NameMismatch.class);
          });
    }
  }
}
