/** TLS client and server sockets with implicit and explicit TLS. No dependency beyond the JDK. */
module dev.tlskit.core {
  requires java.naming; // LdapName, to read the CN of a certificate subject
  requires jdk.net; // TCP_QUICKACK, for the server's handshake (internal.server.HandshakeAcks)
  exports dev.tlskit;
  // Protocol clients build on the line I/O machinery and quote peer text with it; the probe names TLS alerts with it;
  // the native engine's close applies Closing's close-wait rule.
  exports dev.tlskit.internal.io to dev.tlskit.protocols, dev.tlskit.probe, dev.tlskit.nativetls;
  // FTP data connections are dialled (directly or through the proxy) and write-timed as every client connection;
  // the probe dials its own sockets (directly or through the proxy) with the same dialler.
  exports dev.tlskit.internal.net to dev.tlskit.protocols, dev.tlskit.probe, dev.tlskit.nativetls;
  // The command line prints JSON with the same small writer the security info uses.
  exports dev.tlskit.internal.json to dev.tlskit.cli, dev.tlskit.bench.stacks, dev.tlskit.probe;
  // The scanner (tlskit-probe) judges the chains it collects with the client's own validator, names keys as the
  // security info does, and makes its threads with the one thread factory.
  exports dev.tlskit.internal.trust to dev.tlskit.probe, dev.tlskit.protocols;
  exports dev.tlskit.internal.concurrent to dev.tlskit.probe;
  // The command line lifts the JDK's JVM-wide disabling of TLS 1.0/1.1 for the one run that asked for it; the
  // BouncyCastle JSSE provider of tlskit-bc answers core's ProviderHook (groups it offers, early key shares, the
  // check of a required post-quantum key exchange), and so does the native engine (tlskit-native); FTPS data
  // connections name their key-exchange group as SecurityInfo does.
  exports dev.tlskit.internal.tls to dev.tlskit.cli, dev.tlskit.bc, dev.tlskit.nativetls, dev.tlskit.protocols;
}
