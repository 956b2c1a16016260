package dev.tlskit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tlskit.internal.trust.Certs;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import dev.tlskit.certs.ExtendedKeyUsage;
import org.junit.jupiter.api.Test;

/** Each validation problem, against a real loopback TLS server presenting a certificate with that problem. */
class CertificateValidationTest {
  static final TestPki.Held ROOT = TestPki.root("Test Root");
  static final TestPki.Held INTERMEDIATE = TestPki.intermediate("Test Intermediate", ROOT);
  static final TlsPolicy TRUST_ROOT = TlsPolicy.builder().trust(Trust.anchors(ROOT.cert())).build();

  static SecurityInfo connect(CertifiedKey serverKey, TlsPolicy policy, String peerName) throws Exception {
    try (LoopbackTlsPeer server = LoopbackTlsPeer.echo(serverKey)) {
      TlsClient client = TlsClient.builder().policy(policy).timeout(Duration.ofSeconds(10)).build();
      try (TlsConnection c = client.connectTls("127.0.0.1", server.port(), peerName)) {
        c.output().write("ping\n".getBytes());
        c.output().flush();
        assertThat(c.readLine(100)).isEqualTo("ping");
        return c.securityInfo();
      }
    }
  }

  static ValidationReport rejected(CertifiedKey serverKey, TlsPolicy policy, String peerName) throws Exception {
    TlsSecurityException e = catchThrowableOfType(TlsSecurityException.class,
        () -> connect(serverKey, policy, peerName));
    assertThat(e).as("connection should be rejected").isNotNull();
    assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.CERTIFICATE_REJECTED);
    assertThat(e.report()).isPresent();
    ValidationReport r = e.report().get();
    assertThat(r.verdict()).isEqualTo(ValidationReport.Verdict.REJECTED);
    assertThat(e.getMessage()).contains(r.problems().get(0).describe().lines().findFirst().orElseThrow());
    return r;
  }

  static TestPki.Held leaf(String... names) {
    return TestPki.leaf(INTERMEDIATE, names);
  }

  @Test
  void clientTrustsAGoodChainAndReportsIt() throws Exception {
    TestPki.Held leaf = leaf("localhost");
    SecurityInfo info = connect(leaf.certifiedKey(), TRUST_ROOT, "localhost");
    ValidationReport r = info.validation();
    assertThat(r.trusted()).isTrue();
    assertThat(r.verdict()).isEqualTo(ValidationReport.Verdict.TRUSTED);
    assertThat(r.presented()).containsExactly(leaf.cert(), INTERMEDIATE.cert());
    assertThat(r.built()).containsExactly(leaf.cert(), INTERMEDIATE.cert(), ROOT.cert());
    assertThat(info.protocol()).isEqualTo("TLSv1.3");
    assertThat(info.sniSent()).isTrue();
    assertThat(info.peerKeyType()).isEqualTo("EC");
    assertThat(info.peerKeyBits()).isEqualTo(256);
    assertThat(info.signatureScheme()).isEqualTo("ecdsa_secp256r1_sha256");
    assertThat(info.toJson()).contains("\"verdict\":\"TRUSTED\"").contains("\"protocol\":\"TLSv1.3\"");
    assertThat(info.toString()).contains("Cipher suite:").contains("Validation: TRUSTED");
  }

  @Test
  void clientRefusesAnUntrustedIssuer() throws Exception {
    TestPki.Held otherRoot = TestPki.root("Other Root");
    TestPki.Held otherIntermediate = TestPki.intermediate("Other Intermediate", otherRoot);
    ValidationReport r = rejected(TestPki.leaf(otherIntermediate, "localhost").certifiedKey(), TRUST_ROOT,
        "localhost");
    assertThat(r.problems()).containsExactly(new CertificateProblem.UntrustedIssuer("CN=Other Root"));
    assertThat(r.built()).isEmpty();
    TestPki.Held selfSigned = TestPki.builder("localhost").san("localhost").build();
    assertThat(rejected(selfSigned.certifiedKey(), TRUST_ROOT, "localhost").problems())
        .containsExactly(new CertificateProblem.UntrustedIssuer("CN=localhost"));
  }

  @Test
  void clientRefusesAChainWithoutItsIntermediate() throws Exception {
    TestPki.Held leaf = leaf("localhost");
    CertifiedKey leafOnly = CertifiedKey.of(leaf.key(), List.of(leaf.cert()));
    ValidationReport r = rejected(leafOnly, TRUST_ROOT, "localhost");
    assertThat(r.problems())
        .containsExactly(new CertificateProblem.IncompleteChain("CN=localhost", "CN=Test Intermediate"));
  }

  @Test
  void clientRefusesAnExpiredCertificate() throws Exception {
    TestPki.Held leaf = TestPki.builder("localhost").san("localhost").issuer(INTERMEDIATE).expired().build();
    ValidationReport r = rejected(leaf.certifiedKey(), TRUST_ROOT, "localhost");
    assertThat(r.problems()).singleElement().isInstanceOfSatisfying(CertificateProblem.Expired.class,
        p -> assertThat(p.notAfter()).isEqualTo(leaf.cert().getNotAfter().toInstant()));
  }

  @Test
  void clientRefusesANotYetValidCertificate() throws Exception {
    TestPki.Held leaf = TestPki.builder("localhost").san("localhost").issuer(INTERMEDIATE).notYetValid().build();
    ValidationReport r = rejected(leaf.certifiedKey(), TRUST_ROOT, "localhost");
    assertThat(r.problems()).singleElement().isInstanceOf(CertificateProblem.NotYetValid.class);
  }

  @Test
  void clientRefusesACertificateForAnotherName() throws Exception {
    ValidationReport r = rejected(leaf("other.example").certifiedKey(), TRUST_ROOT, "localhost");
    assertThat(r.problems()).containsExactly(
        new CertificateProblem.NameMismatch("localhost", List.of("DNS:other.example", "CN=other.example"
            .replace("CN=", "CN:"))));
    assertThat(r.toJson()).contains("\"kind\":\"name-mismatch\"").contains("\"expected\":\"localhost\"");
  }

  @Test
  void ipLiteralIsMatchedAgainstIpSansAndNotSentAsSni() throws Exception {
    TestPki.Held leaf = leaf("127.0.0.1");
    try (LoopbackTlsPeer server = LoopbackTlsPeer.echo(leaf.certifiedKey())) {
      TlsClient client = TlsClient.builder().policy(TRUST_ROOT).build();
      try (TlsConnection c = client.connectTls("127.0.0.1", server.port())) {
        assertThat(c.securityInfo().validation().trusted()).isTrue();
        assertThat(c.securityInfo().sniSent()).isFalse();
      }
      assertThat(server.awaitSni()).isEmpty();
    }
    TestPki.Held dnsOnly = TestPki.builder("127.0.0.1").dnsSan("127.0.0.1").issuer(INTERMEDIATE).build();
    ValidationReport r = rejected(dnsOnly.certifiedKey(), TRUST_ROOT, "127.0.0.1");
    assertThat(r.problems()).singleElement().isInstanceOf(CertificateProblem.NameMismatch.class);
  }

  @Test
  void wildcardMatchesOverARealConnection() throws Exception {
    assertThat(connect(leaf("*.test.example").certifiedKey(), TRUST_ROOT, "www.test.example").validation()
        .trusted()).isTrue();
    assertThat(rejected(leaf("*.test.example").certifiedKey(), TRUST_ROOT, "a.b.test.example").problems())
        .singleElement().isInstanceOf(CertificateProblem.NameMismatch.class);
  }

  @Test
  void clientRefusesACertificateNamingTheHostOnlyInItsCommonName() throws Exception {
    TestPki.Held cnOnly = TestPki.builder("localhost").issuer(INTERMEDIATE).build();
    ValidationReport r = rejected(cnOnly.certifiedKey(), TRUST_ROOT, "localhost");
    assertThat(r.problems()).containsExactly(
        new CertificateProblem.MissingSubjectAltName("localhost", "localhost", false));
    assertThat(r.problemSummary()).contains("no subjectAltName (it needs DNS:localhost)").contains("RFC 9525");
    assertThat(r.toJson()).contains("\"kind\":\"missing-subject-alt-name\"");
    for (TlsPolicy preset : List.of(TlsPolicy.MODERN, TlsPolicy.STRICT, TlsPolicy.builder().build())) {
      assertThat(preset.allowsCommonNameFallback()).as(preset.toString()).isFalse();
    }
  }

  @Test
  void commonNameFallbackIsADangerousOrLegacyChoiceAndIsReportedWhenUsed() throws Exception {
    TestPki.Held cnOnly = TestPki.builder("localhost").issuer(INTERMEDIATE).build();
    var reported = new CertificateProblem.MissingSubjectAltName("localhost", "localhost", true);
    for (TlsPolicy policy : List.of(TRUST_ROOT.toBuilder().dangerous().allowCommonNameFallback().build(),
        TlsPolicy.LEGACY_COMPATIBLE.toBuilder().trust(Trust.anchors(ROOT.cert())).build())) {
      SecurityInfo info = connect(cnOnly.certifiedKey(), policy, "localhost");
      ValidationReport r = info.validation();
      assertThat(r.trusted()).isTrue();
      assertThat(r.warnings()).containsExactly(reported);
      assertThat(info.toString()).contains("warning: accepted for localhost on its subject CN 'localhost' alone"
          + " (common-name fallback)");
      assertThat(info.toJson()).contains("\"kind\":\"missing-subject-alt-name\"", "\"fallbackUsed\":true");
      assertThat(info.weakenings()).containsExactly(new Weakening.CommonNameFallback("localhost", "localhost"));
      assertThat(info.toJson()).contains("{\"kind\":\"common-name-fallback\",\"expected\":\"localhost\"");
      // The fallback is for a CN that names the host; a CN for another name is still a mismatch.
      TestPki.Held otherCn = TestPki.builder("other.example").issuer(INTERMEDIATE).build();
      assertThat(rejected(otherCn.certifiedKey(), policy, "localhost").problems())
          .containsExactly(new CertificateProblem.NameMismatch("localhost", List.of("CN:other.example")));
    }
  }

  @Test
  void serverNameIsSentAsSni() throws Exception {
    try (LoopbackTlsPeer server = LoopbackTlsPeer.echo(leaf("mail.test.example").certifiedKey())) {
      TlsClient client = TlsClient.builder().policy(TRUST_ROOT).build();
      try (TlsConnection c = client.connectTls("127.0.0.1", server.port(), "mail.test.example")) {
        assertThat(c.securityInfo().sniSent()).isTrue();
      }
      assertThat(server.awaitSni()).singleElement()
          .satisfies(n -> assertThat(new String(n.getEncoded())).isEqualTo("mail.test.example"));
    }
  }

  @Test
  void clientRefusesARevokedCertificate() throws Exception {
    TestPki.Held leaf = leaf("localhost");
    TlsPolicy policy = TRUST_ROOT.toBuilder().revocation(Revocation.HARD_FAIL)
        .crls(List.of(TestPki.crl(INTERMEDIATE, leaf.cert()), TestPki.crl(ROOT))).build();
    ValidationReport r = rejected(leaf.certifiedKey(), policy, "localhost");
    assertThat(r.problems()).singleElement().isInstanceOfSatisfying(CertificateProblem.Revoked.class, p -> {
      assertThat(p.subject()).isEqualTo("CN=localhost");
      assertThat(p.reason()).isEqualTo("KEY_COMPROMISE");
    });
  }

  @Test
  void unknownRevocationStatusFailsHardOrWarnsSoft() throws Exception {
    TestPki.Held leaf = leaf("localhost");
    TlsPolicy hard = TRUST_ROOT.toBuilder().revocation(Revocation.HARD_FAIL).build();
    assertThat(rejected(leaf.certifiedKey(), hard, "localhost").problems())
        .singleElement().isInstanceOf(CertificateProblem.RevocationUnknown.class);
    TlsPolicy soft = TRUST_ROOT.toBuilder().revocation(Revocation.SOFT_FAIL).build();
    ValidationReport r = connect(leaf.certifiedKey(), soft, "localhost").validation();
    assertThat(r.trusted()).isTrue();
    assertThat(r.warnings()).isNotEmpty().allMatch(w -> w instanceof CertificateProblem.RevocationUnknown);
  }

  @Test
  void pinsAcceptAMatchingChainAndNameTheChainSeenOtherwise() throws Exception {
    TestPki.Held leaf = leaf("localhost");
    TlsPolicy pinned = TRUST_ROOT.toBuilder().pin(Certs.spkiPin(INTERMEDIATE.cert())).build();
    assertThat(connect(leaf.certifiedKey(), pinned, "localhost").validation().trusted()).isTrue();

    String otherPin = Certs.spkiPin(TestPki.root("Unrelated").cert());
    TlsPolicy wrong = TRUST_ROOT.toBuilder().pin(otherPin).build();
    ValidationReport r = rejected(leaf.certifiedKey(), wrong, "localhost");
    assertThat(r.problems()).singleElement().isInstanceOfSatisfying(CertificateProblem.PinMismatch.class, p -> {
      assertThat(p.pins()).containsExactly(otherPin);
      assertThat(p.chainSeen()).containsExactly(
          Certs.spkiPin(leaf.cert()) + " CN=localhost",
          Certs.spkiPin(INTERMEDIATE.cert()) + " CN=Test Intermediate",
          Certs.spkiPin(ROOT.cert()) + " CN=Test Root");
      assertThat(p.describe()).contains(Certs.spkiPin(leaf.cert()));
    });
  }

  @Test
  void clientRefusesAWeakKey() throws Exception {
    TestPki.Held leaf = TestPki.builder("localhost").san("localhost").issuer(INTERMEDIATE).rsa(1024).build();
    ValidationReport r = rejected(leaf.certifiedKey(), TRUST_ROOT, "localhost");
    assertThat(r.problems()).contains(new CertificateProblem.WeakKey("CN=localhost", "RSA", 1024));
  }

  @Test
  void clientRefusesAWeakSignature() throws Exception {
    TestPki.Held leaf = TestPki.builder("localhost").san("localhost").issuer(INTERMEDIATE).sha1().build();
    ValidationReport r = rejected(leaf.certifiedKey(), TRUST_ROOT, "localhost");
    assertThat(r.problems()).first().isInstanceOfSatisfying(CertificateProblem.WeakSignature.class,
        p -> assertThat(p.algorithm()).isEqualTo("SHA1withECDSA"));
  }

  @Test
  void clientRefusesALeafWithoutServerAuthUsage() throws Exception {
    TestPki.Held leaf = TestPki.builder("localhost").san("localhost").issuer(INTERMEDIATE)
        .eku(ExtendedKeyUsage.CLIENT_AUTH).build();
    ValidationReport r = rejected(leaf.certifiedKey(), TRUST_ROOT, "localhost");
    assertThat(r.problems()).singleElement().isInstanceOfSatisfying(CertificateProblem.WrongKeyUsage.class,
        p -> assertThat(p.detail()).contains("serverAuth"));
  }

  @Test
  void everyProblemIsReportedNotJustTheFirst() throws Exception {
    TestPki.Held otherRoot = TestPki.root("Other Root");
    TestPki.Held leaf = TestPki.builder("wrong.example").san("wrong.example")
        .issuer(TestPki.intermediate("Other Intermediate", otherRoot)).expired().build();
    ValidationReport r = rejected(leaf.certifiedKey(), TRUST_ROOT, "localhost");
    assertThat(r.problems()).hasSize(3).anyMatch(p -> p instanceof CertificateProblem.UntrustedIssuer)
        .anyMatch(p -> p instanceof CertificateProblem.Expired)
        .anyMatch(p -> p instanceof CertificateProblem.NameMismatch);
  }

  @Test
  void validationCallbackCanRejectATrustedChain() throws Exception {
    TlsPolicy policy = TRUST_ROOT.toBuilder()
        .validationCallback(report -> !report.presented().get(0).getSubjectX500Principal().getName()
            .contains("localhost"))
        .build();
    ValidationReport r = rejected(leaf("localhost").certifiedKey(), policy, "localhost");
    assertThat(r.problems()).singleElement().isInstanceOf(CertificateProblem.RejectedByCallback.class);
  }

  @Test
  void validationCallbackCannotAcceptAFailedChain() throws Exception {
    TestPki.Held leaf = TestPki.builder("localhost").san("localhost").issuer(INTERMEDIATE).expired().build();
    TlsPolicy policy = TRUST_ROOT.toBuilder().validationCallback(report -> true).build();
    assertThat(rejected(leaf.certifiedKey(), policy, "localhost").problems())
        .singleElement().isInstanceOf(CertificateProblem.Expired.class);
  }

  @Test
  void dangerousAcceptorAcceptsOnlyWhatItIsAskedToAndMarksTheReport() throws Exception {
    TestPki.Held expired = TestPki.builder("localhost").san("localhost").issuer(INTERMEDIATE).expired().build();
    TlsPolicy policy = TRUST_ROOT.toBuilder().dangerous()
        .acceptIf(r -> r.problems().stream().allMatch(p -> p instanceof CertificateProblem.Expired)).build();
    ValidationReport r = connect(expired.certifiedKey(), policy, "localhost").validation();
    assertThat(r.verdict()).isEqualTo(ValidationReport.Verdict.ACCEPTED_DANGEROUSLY);
    assertThat(r.trusted()).isFalse();
    assertThat(r.problems()).singleElement().isInstanceOf(CertificateProblem.Expired.class);

    ValidationReport refused = rejected(leaf("other.example").certifiedKey(), policy, "localhost");
    assertThat(refused.problems()).singleElement().isInstanceOf(CertificateProblem.NameMismatch.class);
  }

  @Test
  void skippingHostnameVerificationTurnsTheMismatchIntoAWarning() throws Exception {
    TlsPolicy policy = TRUST_ROOT.toBuilder().dangerous().skipHostnameVerification().build();
    ValidationReport r = connect(leaf("other.example").certifiedKey(), policy, "localhost").validation();
    assertThat(r.trusted()).isTrue();
    assertThat(r.warnings()).singleElement().isInstanceOf(CertificateProblem.NameMismatch.class);
  }

  @Test
  void theSystemTrustRefusesATestRoot() throws Exception {
    ValidationReport r = rejected(leaf("localhost").certifiedKey(), TlsPolicy.MODERN, "localhost");
    assertThat(r.problems()).singleElement().isInstanceOf(CertificateProblem.UntrustedIssuer.class);
    assertThat(TlsPolicy.MODERN.trust().certificates()).isNotEmpty().doesNotContain(ROOT.cert());
  }

  @Test
  void aDirectlyTrustedSelfSignedLeafIsAccepted() throws Exception {
    TestPki.Held self = TestPki.builder("localhost").san("localhost").build();
    TlsPolicy policy = TlsPolicy.builder().trust(Trust.anchors((X509Certificate) self.cert())).build();
    assertThat(connect(self.certifiedKey(), policy, "localhost").validation().trusted()).isTrue();
  }
}
