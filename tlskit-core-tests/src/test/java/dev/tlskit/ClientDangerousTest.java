package dev.tlskit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The client's weakening options sit behind {@code dangerous()}, refuse what they would silently disable, and say so. */
class ClientDangerousTest {
  private static final TestPki.Held LEAF = ConnectionTest.LEAF;

  @Test
  void aCallerContextIsRefusedNextToPoliciesItWouldSilentlyDisable() throws Exception {
    var context = ConnectionTest.POLICY.sslContext();
    TlsPolicy pinned = ConnectionTest.POLICY.toBuilder().pin(dev.tlskit.internal.trust.Certs.spkiPin(LEAF.cert())).build();
    assertThatThrownBy(() -> TlsClient.builder().policy(pinned).dangerous().sslContext(context).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pins").hasMessageContaining("sslContext");
    TlsPolicy revoking = ConnectionTest.POLICY.toBuilder().revocation(Revocation.HARD_FAIL).build();
    assertThatThrownBy(() -> TlsClient.builder().policy(revoking).dangerous().sslContext(context).build())
        .hasMessageContaining("revocation HARD_FAIL");
    TlsPolicy callback = ConnectionTest.POLICY.toBuilder().validationCallback(r -> true).build();
    assertThatThrownBy(() -> TlsClient.builder().policy(callback).dangerous().sslContext(context).build())
        .hasMessageContaining("validation callback");
  }

  @Test
  void aConnectionJudgedByACallerContextSaysTlsKitDidNotJudgeIt() throws Exception {
    TlsClient client = TlsClient.builder().timeout(Duration.ofSeconds(10))
        .dangerous().sslContext(ConnectionTest.POLICY.sslContext()).build();
    try (LoopbackTlsPeer server = LoopbackTlsPeer.echo(LEAF.certifiedKey());
        TlsConnection c = client.connectTls("127.0.0.1", server.port(), "localhost")) {
      ValidationReport report = c.securityInfo().validation();
      assertThat(report.verdict()).isEqualTo(ValidationReport.Verdict.ACCEPTED_DANGEROUSLY);
      assertThat(report.warnings()).singleElement().isInstanceOf(CertificateProblem.JudgedElsewhere.class);
      assertThat(c.securityInfo().toString()).contains("not judged by TlsKit");
    }
  }

  @Test
  void opportunisticTlsIsOffUnlessAllowedThroughDangerousAndSurvivesToBuilder() {
    assertThat(TlsClient.builder().build().opportunisticTlsAllowed()).isFalse();
    TlsClient allowed = TlsClient.builder().dangerous().allowOpportunisticTls().build();
    assertThat(allowed.opportunisticTlsAllowed()).isTrue();
    assertThat(allowed.toBuilder().build().opportunisticTlsAllowed()).isTrue();
  }
}
