/**
 * The loopback TLS stacks, bench protocol and measuring loops shared by {@code tlskit bench} (the CLI) and the
 * tlskit-bench module (JMH and the Netty comparison, on the class path). Not a public API.
 */
module dev.tlskit.bench.stacks {
  requires dev.tlskit.core;
  requires dev.tlskit.certs;
  exports dev.tlskit.bench.stacks to dev.tlskit.cli;
}
