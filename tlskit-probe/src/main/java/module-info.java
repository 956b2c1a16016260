/** The TLS scanner behind {@code tlskit probe}; not a library API. */
module dev.tlskit.probe {
  requires dev.tlskit.core;
  exports dev.tlskit.probe to dev.tlskit.cli;
}
