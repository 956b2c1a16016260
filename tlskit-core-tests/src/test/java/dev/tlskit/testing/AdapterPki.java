package dev.tlskit.testing;

import dev.tlskit.Revocation;
import dev.tlskit.TestPki;
import dev.tlskit.TlsPolicy;
import dev.tlskit.Trust;
import dev.tlskit.certs.HeldCertificate;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** The certificates the adapters' tests serve and present: root → intermediate → leaves, built once per run. */
public final class AdapterPki {
  public static final HeldCertificate ROOT = HeldCertificate.root("Adapter Test Root");
  public static final HeldCertificate INTERMEDIATE = HeldCertificate.intermediate("Adapter Test CA", ROOT);
  /** A server certificate for localhost. */
  public static final HeldCertificate GOOD = HeldCertificate.leaf(INTERMEDIATE, "localhost");
  /** A server certificate from the same CA for another name. */
  public static final HeldCertificate WRONG_NAME = HeldCertificate.leaf(INTERMEDIATE, "other.example");
  /** A client certificate from the same CA. */
  public static final HeldCertificate CLIENT = HeldCertificate.leaf(INTERMEDIATE, "client.example");
  /** The default policy trusting {@link #ROOT} only. */
  public static final TlsPolicy TRUST_ROOT = TlsPolicy.builder().trust(Trust.anchors(ROOT.certificate())).build();

  private AdapterPki() {}

  /** Returns a plain JDK TLS context (no client certificate) that trusts {@code anchor} alone. */
  public static SSLContext jdkTrusting(X509Certificate anchor)
      throws GeneralSecurityException, java.io.IOException {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("anchor", anchor);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  /** Returns a CRL from {@code issuer} revoking {@code revoked} (none: an empty CRL, so the issuer's status is known). */
  public static X509CRL crl(HeldCertificate issuer, HeldCertificate... revoked) {
    X509Certificate[] certs = new X509Certificate[revoked.length];
    for (int i = 0; i < revoked.length; i++) certs[i] = revoked[i].certificate();
    return TestPki.crl(new TestPki.Held(issuer), certs);
  }

  /** Returns {@link #TRUST_ROOT} checking revocation (hard fail) against CRLs that revoke {@link #GOOD}. */
  public static TlsPolicy revokingGood() {
    return TRUST_ROOT.toBuilder().revocation(Revocation.HARD_FAIL)
        .crls(List.of(crl(INTERMEDIATE, GOOD), crl(ROOT))).build();
  }
}
