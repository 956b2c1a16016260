/** The tlskit command line. */
module dev.tlskit.cli {
  requires dev.tlskit.core;
  requires dev.tlskit.certs;
  requires dev.tlskit.protocols;
  requires dev.tlskit.bc; // --groups with a post-quantum hybrid group: BouncyCastle's JSSE
  requires dev.tlskit.probe; // tlskit probe
  requires dev.tlskit.nativetls; // --provider native; tlskit serve --session-ticket-keys
  requires dev.tlskit.bench.stacks; // tlskit bench: the stacks and loops it measures
  requires info.picocli;
  requires me.tongfei.progressbar; // progress bars: ftp transfers, bench
  requires java.logging;
  opens dev.tlskit.cli to info.picocli;
}
