/** The tlskit command line. */
module dev.tlskit.cli {
  requires dev.tlskit.core;
  requires dev.tlskit.certs;
  requires dev.tlskit.protocols;
  requires info.picocli;
  requires me.tongfei.progressbar; // progress bars: ftp transfers, bench
  requires java.logging;
  opens dev.tlskit.cli to info.picocli;
}
