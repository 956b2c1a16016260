package dev.tlskit;

import java.security.cert.X509Certificate;
import java.util.List;

/** Describes a live TLS connection: what was negotiated and how the peer was judged. */
public record SecurityInfo(
    String protocol, String cipherSuite, String peerName, boolean sniSent, String alpn,
    List<X509Certificate> peerChain, List<X509Certificate> localChain, ValidationReport validation) {

  public SecurityInfo {
    peerChain = List.copyOf(peerChain);
    localChain = List.copyOf(localChain);
  }
}
