package dev.tlskit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.certs.HeldCertificate;
import java.security.KeyStore;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one key-and-chain type: its proof that key and certificate belong together, and its chain ordering. */
class CertifiedKeyTest {
  private final HeldCertificate root = HeldCertificate.root("root");
  private final HeldCertificate ca = HeldCertificate.intermediate("ca", root);
  private final HeldCertificate leaf = HeldCertificate.leaf(ca, "localhost");

  @Test
  void ofRefusesAKeyThatDoesNotBelongToTheLeaf() {
    assertThatThrownBy(() -> CertifiedKey.of(ca.privateKey(), List.of(leaf.certificate())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CN=localhost");
  }

  @Test
  void fromCertificatesFindsTheLeafAndOrdersItsIssuersDroppingStrangers() {
    HeldCertificate stranger = HeldCertificate.root("stranger");
    CertifiedKey k = CertifiedKey.fromCertificates(leaf.privateKey(),
        List.of(stranger.certificate(), root.certificate(), leaf.certificate(), ca.certificate()));
    assertThat(k.chain()).containsExactly(leaf.certificate(), ca.certificate(), root.certificate());
  }

  @Test
  void fromCertificatesNamesEveryCertificateWhenNoneMatches() {
    assertThatThrownBy(() -> CertifiedKey.fromCertificates(leaf.privateKey(), List.of(ca.certificate(),
        root.certificate()))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CN=ca").hasMessageContaining("CN=root");
  }

  @Test
  void toKeyStoreHoldsKeyAndChain() throws Exception {
    KeyStore ks = leaf.certifiedKey().toKeyStore("k", "pw".toCharArray());
    assertThat(ks.getKey("k", "pw".toCharArray()).getEncoded()).isEqualTo(leaf.privateKey().getEncoded());
    assertThat(ks.getCertificateChain("k")).containsExactlyElementsOf(leaf.chain());
  }
}
