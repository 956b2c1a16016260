/** The TLS scanner behind {@code tlskit probe}; not a library API. */
module dev.tlskit.probe {
  requires dev.tlskit.core;
  requires dev.tlskit.protocols; // the one STARTTLS path, before each handshake of a --starttls probe
  requires dev.tlskit.bc; // the post-quantum handshake (X25519MLKEM768 through BouncyCastle's JSSE)
  exports dev.tlskit.probe to dev.tlskit.cli;
}
