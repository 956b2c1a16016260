package dev.tlskit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.internal.trust.ChainValidator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A chain judged trusted is not verified again when it comes back, even once the JDK's cache of parsed certificates
 * has let it go; and nothing but the signatures is reused: a changed signature, another issuer key or a date outside
 * the validity window is judged as if the chain were new. Verifications are counted by a provider that sees every
 * ECDSA {@code Signature.verify}; each test uses chains made for it.
 */
class TrustedChainReuseTest {
  CountingSignatures counter;
  HeldCertificate root;
  HeldCertificate ca;
  HeldCertificate leaf;

  @BeforeEach
  void install() {
    counter = CountingSignatures.install();
    root = HeldCertificate.root("Reuse Root " + System.nanoTime());
    ca = HeldCertificate.intermediate("Reuse CA", root);
    leaf = HeldCertificate.leaf(ca, "localhost");
  }

  @AfterEach
  void uninstall() {
    counter.close();
  }

  ValidationReport validate(HeldCertificate anchor, List<X509Certificate> chain, Instant now) {
    TlsPolicy policy = TlsPolicy.builder().trust(Trust.anchors(anchor.certificate())).build();
    return new ChainValidator(policy).validate(chain, "localhost", ChainValidator.Purpose.SERVER, Map.of(), now);
  }

  @Test
  void aTrustedChainPresentedAgainIsNotVerifiedAgainAfterTheJdkForgotIt() throws Exception {
    List<X509Certificate> first = JdkCertificateCache.parse(leaf.chain());
    counter.take();
    assertThat(validate(root, first, Instant.now()).trusted()).isTrue();
    assertThat(counter.take()).as("a new chain: the leaf's and the CA's signatures").isEqualTo(2);

    JdkCertificateCache.flood(leaf.certificate());
    List<X509Certificate> again = JdkCertificateCache.parse(leaf.chain());
    assertThat(again.get(0)).as("the JDK parsed the leaf afresh").isNotSameAs(first.get(0));
    ValidationReport report = validate(root, again, Instant.now());
    assertThat(counter.take()).as("verifications for a chain judged trusted before").isZero();
    assertThat(report.trusted()).isTrue();
    assertThat(report.problems()).isEmpty();
    assertThat(report.built()).containsExactly(leaf.certificate(), ca.certificate(), root.certificate());
  }

  @Test
  void aRejectedChainIsNotKept() throws Exception {
    HeldCertificate other = HeldCertificate.root("Other Root " + System.nanoTime());
    assertThat(validate(other, JdkCertificateCache.parse(leaf.chain()), Instant.now()).trusted()).isFalse();
    JdkCertificateCache.flood(leaf.certificate());
    counter.take();
    assertThat(validate(root, JdkCertificateCache.parse(leaf.chain()), Instant.now()).trusted()).isTrue();
    assertThat(counter.take()).as("a chain only ever rejected is verified as new").isEqualTo(2);
  }

  @Test
  void theSameTbsWithACorruptedSignatureIsRejectedAfterTheGoodCertificateWasKept() throws Exception {
    assertThat(validate(root, leaf.chain(), Instant.now()).trusted()).isTrue();
    X509Certificate forged = JdkCertificateCache.corruptSignature(leaf.certificate());
    assertThat(forged.getTBSCertificate()).isEqualTo(leaf.certificate().getTBSCertificate());
    counter.take();
    ValidationReport report = validate(root, List.of(forged, ca.certificate()), Instant.now());
    assertThat(counter.take()).as("the forged signature was verified").isPositive();
    assertThat(report.trusted()).isFalse();
    assertThat(report.problems()).hasAtLeastOneElementOfType(CertificateProblem.IncompleteChain.class);
  }

  @Test
  void theSameChainUnderAnotherIssuerKeyIsRejected() throws Exception {
    assertThat(validate(root, leaf.chain(), Instant.now()).trusted()).isTrue();
    // The same name as the root, another key: the kept CA certificate must be verified with it, and fail.
    HeldCertificate impostor = HeldCertificate.builder().commonName(commonName(root)).certificateAuthority().build();
    assertThat(impostor.certificate().getSubjectX500Principal())
        .isEqualTo(ca.certificate().getIssuerX500Principal());
    counter.take();
    ValidationReport report = validate(impostor, leaf.chain(), Instant.now());
    assertThat(counter.take()).as("the CA's signature was verified with the impostor's key").isPositive();
    assertThat(report.trusted()).isFalse();
    assertThat(validate(root, leaf.chain(), Instant.now()).trusted()).as("the real root still anchors it").isTrue();
  }

  @Test
  void anExpiredCertificateIsRejectedAfterItWasKeptWhileValid() throws Exception {
    assertThat(validate(root, leaf.chain(), Instant.now()).trusted()).isTrue();
    Instant later = leaf.certificate().getNotAfter().toInstant().plusSeconds(60);
    ValidationReport report = validate(root, leaf.chain(), later);
    assertThat(report.trusted()).isFalse();
    assertThat(report.problems()).hasAtLeastOneElementOfType(CertificateProblem.Expired.class);
  }

  private static String commonName(HeldCertificate c) {
    String dn = c.certificate().getSubjectX500Principal().getName();
    return dn.substring(dn.indexOf("CN=") + 3).split(",")[0];
  }
}
