/** The TLS scanner behind {@code tlskit probe}; not a library API. */
module dev.tlskit.probe {
  requires dev.tlskit.core;
  requires dev.tlskit.protocols; // the one STARTTLS path, before each handshake of a --starttls probe
  exports dev.tlskit.probe to dev.tlskit.cli;
}
