/**
 * The one BouncyCastle JSSE provider TlsKit configures (JDK cryptography, BouncyCastle's ML-KEM, RSA-PSS kept, no
 * warnings), and {@link dev.tlskit.bc.PostQuantum}: policies that offer or require post-quantum hybrid key exchange.
 */
module dev.tlskit.bc {
  requires transitive dev.tlskit.core;
  requires transitive org.bouncycastle.tls;
  requires org.bouncycastle.provider;
  requires java.logging; // BouncyCastle's JSSE logs through java.util.logging
  exports dev.tlskit.bc;
  // FTPS (protocols, the Commons Net adapter), the CLI and the probe use the same provider.
  exports dev.tlskit.internal.bc to dev.tlskit.protocols, dev.tlskit.commonsnet, dev.tlskit.cli, dev.tlskit.probe,
      dev.tlskit.bench.stacks;
}
