package dev.tlskit.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HeldCertificateTest {
  // SAN general name tags (RFC 5280): rfc822Name 1, dNSName 2, URI 6, iPAddress 7.
  private static final int EMAIL = 1;
  private static final int DNS = 2;
  private static final int URI = 6;
  private static final int IP = 7;

  @Test
  void rootIntermediateLeafChainValidatesWithPkix() throws Exception {
    HeldCertificate root = HeldCertificate.root("Test Root");
    HeldCertificate ca = HeldCertificate.intermediate("Test Intermediate", root);
    HeldCertificate leaf = HeldCertificate.leaf(ca, "localhost", "127.0.0.1");

    assertThat(leaf.chain()).containsExactly(leaf.certificate(), ca.certificate());
    assertThat(leaf.fullChain()).containsExactly(leaf.certificate(), ca.certificate(), root.certificate());
    assertThat(root.chain()).containsExactly(root.certificate());
    pkixValidate(root, leaf.chain());
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void everyKeyTypeSignsAndIsSignedInAValidChain(KeyType type) throws Exception {
    HeldCertificate root = HeldCertificate.builder().commonName("Root " + type).keyType(type)
        .certificateAuthority(0).build();
    HeldCertificate leaf = HeldCertificate.builder().commonName("leaf").keyPair(TestKeys.pair(type, 0)).signedBy(root)
        .addSubjectAlternativeName("example.test").build();

    assertThat(Keys.describe(root.certificate().getPublicKey())).isEqualTo(type.toString());
    assertThat(Keys.describe(leaf.certificate().getPublicKey())).isEqualTo(type.toString());
    assertThat(leaf.certificate().getSigAlgName()).isEqualToIgnoringCase(switch (type) {
      case EC_P256 -> "SHA256withECDSA";
      case EC_P384 -> "SHA384withECDSA";
      case ED25519 -> "Ed25519";
      default -> "SHA256withRSA";
    });
    leaf.certificate().verify(root.certificate().getPublicKey());
    pkixValidate(root, leaf.chain());
  }

  @Test
  void signatureAlgorithmFollowsTheIssuerKeyNotTheSubjectKey() throws Exception {
    HeldCertificate root = HeldCertificate.builder().keyType(KeyType.RSA_2048).certificateAuthority().build();
    HeldCertificate leaf = HeldCertificate.builder().keyType(KeyType.EC_P384).signedBy(root).build();
    assertThat(leaf.certificate().getSigAlgName()).isEqualTo("SHA256withRSA");
    assertThat(Keys.describe(leaf.certificate().getPublicKey())).isEqualTo("EC P-384");
  }

  @Test
  void subjectAlternativeNamesOfEveryKindArePresent() throws Exception {
    X509Certificate cert = HeldCertificate.builder().commonName("multi")
        .addSubjectAlternativeName("Example.TEST")
        .addSubjectAlternativeName("*.wild.test")
        .addSubjectAlternativeName("127.0.0.1")
        .addSubjectAlternativeName("::1")
        .addSubjectAlternativeName("[2001:db8::7]")
        .addSubjectAlternativeName("postmaster@example.test")
        .addSubjectAlternativeName("spiffe://example.test/service")
        .build().certificate();

    assertThat(cert.getSubjectAlternativeNames()).containsExactlyInAnyOrder(
        List.of(DNS, "example.test"), List.of(DNS, "*.wild.test"), List.of(IP, "127.0.0.1"),
        List.of(IP, "0:0:0:0:0:0:0:1"), List.of(IP, "2001:db8:0:0:0:0:0:7"), List.of(EMAIL, "postmaster@example.test"),
        List.of(URI, "spiffe://example.test/service"));
  }

  @Test
  void badSubjectAlternativeNamesAreRejectedNamingTheValue() {
    assertThatThrownBy(() -> HeldCertificate.builder().addDnsName("bad name"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad name");
    assertThatThrownBy(() -> HeldCertificate.builder().addIpAddress("300.1.1.1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("300.1.1.1");
    assertThatThrownBy(() -> HeldCertificate.builder().addUri("relative/path"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("relative/path");
    assertThatThrownBy(() -> HeldCertificate.builder().addEmail("a@b@c"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a@b@c");
  }

  @Test
  void leafDefaultsToServerAndClientAuthAndNoCa() throws Exception {
    X509Certificate cert = HeldCertificate.builder().build().certificate();
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(cert.getExtendedKeyUsage()).containsExactlyInAnyOrder(
        ExtendedKeyUsage.SERVER_AUTH.oid(), ExtendedKeyUsage.CLIENT_AUTH.oid());
    assertThat(cert.getKeyUsage()[0]).as("digitalSignature").isTrue();
    assertThat(cert.getKeyUsage()[5]).as("keyCertSign").isFalse();
  }

  @Test
  void extendedKeyUsagesCanBeRestrictedOrOmitted() throws Exception {
    X509Certificate client = HeldCertificate.builder().extendedKeyUsages(ExtendedKeyUsage.CLIENT_AUTH).build()
        .certificate();
    assertThat(client.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    X509Certificate none = HeldCertificate.builder().extendedKeyUsages().build().certificate();
    assertThat(none.getExtendedKeyUsage()).isNull();
  }

  @Test
  void keyUsagesCanBeReplaced() {
    X509Certificate cert = HeldCertificate.builder().keyUsages(KeyUsage.KEY_AGREEMENT).build().certificate();
    assertThat(cert.getKeyUsage()[4]).as("keyAgreement").isTrue();
    assertThat(cert.getKeyUsage()[0]).as("digitalSignature").isFalse();
  }

  @Test
  void certificateAuthorityCarriesPathLengthAndCertSignUsage() throws Exception {
    X509Certificate ca = HeldCertificate.builder().certificateAuthority(2).build().certificate();
    assertThat(ca.getBasicConstraints()).isEqualTo(2);
    assertThat(ca.getKeyUsage()[5]).as("keyCertSign").isTrue();
    assertThat(ca.getKeyUsage()[6]).as("cRLSign").isTrue();
    assertThat(ca.getExtendedKeyUsage()).isNull();
    assertThat(HeldCertificate.builder().certificateAuthority().build().certificate().getBasicConstraints())
        .isEqualTo(Integer.MAX_VALUE);
    assertThatThrownBy(() -> HeldCertificate.builder().certificateAuthority(-1))
        .hasMessageContaining("-1");
  }

  @Test
  void pathLengthZeroForbidsAnIntermediateBelow() throws Exception {
    // PKIX does not apply the trust anchor's own constraints, so the limit is tested one level down.
    HeldCertificate root = HeldCertificate.root("root");
    HeldCertificate ca = HeldCertificate.intermediate("pathlen 0", root);
    HeldCertificate tooDeep = HeldCertificate.builder().commonName("too deep").certificateAuthority().signedBy(ca)
        .build();
    pkixValidate(root, HeldCertificate.leaf(ca, "localhost").chain());
    HeldCertificate leaf = HeldCertificate.leaf(tooDeep, "localhost");
    assertThat(leaf.chain()).hasSize(3);
    assertThatThrownBy(() -> pkixValidate(root, leaf.chain())).isInstanceOf(CertPathValidatorException.class)
        .hasMessageContaining("pathLenConstraint");
  }

  @Test
  void expiredAndNotYetValidWindows() {
    X509Certificate expired = HeldCertificate.builder().expired().build().certificate();
    X509Certificate future = HeldCertificate.builder().notYetValid().build().certificate();
    assertThatThrownBy(expired::checkValidity).isInstanceOf(CertificateExpiredException.class);
    assertThatThrownBy(future::checkValidity).isInstanceOf(CertificateNotYetValidException.class);
    assertThat(expired.getNotAfter()).isBefore(new Date());
    assertThat(future.getNotBefore()).isAfter(new Date());
  }

  @Test
  void defaultValidityIsOneDayBackdatedOneHour() throws Exception {
    Instant now = Instant.now();
    X509Certificate cert = HeldCertificate.builder().build().certificate();
    cert.checkValidity();
    assertThat(cert.getNotBefore().toInstant()).isBetween(now.minus(Duration.ofMinutes(61)), now);
    assertThat(cert.getNotAfter().toInstant()).isBetween(now.plus(Duration.ofHours(23)), now.plus(Duration.ofDays(2)));
  }

  @Test
  void explicitValidityAndSerialAreKept() {
    Instant from = Instant.parse("2030-01-01T00:00:00Z");
    Instant to = Instant.parse("2031-01-01T00:00:00Z");
    X509Certificate cert = HeldCertificate.builder().validity(from, to).serialNumber(BigInteger.valueOf(42))
        .commonName("fixed").organization("TlsKit Tests").build().certificate();
    assertThat(cert.getNotBefore().toInstant()).isEqualTo(from);
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(to);
    assertThat(cert.getSerialNumber()).isEqualTo(42);
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=fixed,O=TlsKit Tests");
    assertThatThrownBy(() -> HeldCertificate.builder().validity(to, from))
        .hasMessageContaining(to.toString()).hasMessageContaining(from.toString());
  }

  @Test
  void existingKeyPairKeepsTheSpkiPin() {
    HeldCertificate first = HeldCertificate.builder().build();
    HeldCertificate renewed = HeldCertificate.builder().keyPair(first.keyPair()).build();
    assertThat(Fingerprints.spkiPin(renewed.certificate())).isEqualTo(Fingerprints.spkiPin(first.certificate()));
    assertThat(Fingerprints.sha256(renewed.certificate())).isNotEqualTo(Fingerprints.sha256(first.certificate()));
  }

  @Test
  void heldCertificateFromLoadedMaterialSignsLeaves() throws Exception {
    HeldCertificate root = HeldCertificate.root("loaded");
    HeldCertificate reloaded = HeldCertificate.of(root.privateKey(), List.of(root.certificate()));
    HeldCertificate leaf = HeldCertificate.leaf(reloaded, "localhost");
    pkixValidate(root, leaf.chain());
    HeldCertificate other = HeldCertificate.root("other");
    assertThatThrownBy(() -> HeldCertificate.of(other.privateKey(), List.of(root.certificate())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CN=loaded");
  }

  static void pkixValidate(HeldCertificate root, List<X509Certificate> chain) throws Exception {
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root.certificate(), null)));
    params.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(
        CertificateFactory.getInstance("X.509").generateCertPath(chain), params);
  }
}
