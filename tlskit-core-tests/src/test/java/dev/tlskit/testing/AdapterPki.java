package dev.tlskit.testing;

import dev.tlskit.TlsPolicy;
import dev.tlskit.Trust;
import dev.tlskit.certs.HeldCertificate;

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
}
