package dev.tlskit.internal.tls;

import dev.tlskit.SecurityInfo;
import dev.tlskit.TlsPolicy;
import dev.tlskit.ValidationReport;
import dev.tlskit.Weakening;
import dev.tlskit.internal.io.KeyExchangeSniffer;
import dev.tlskit.internal.trust.Certs;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * Builds the {@link SecurityInfo} of a completed handshake, for the client and the server alike: what the session
 * says, plus what the policy and the protocol determine where the JDK does not tell.
 */
public final class SecurityInfos {
  private static final System.Logger DANGEROUS = System.getLogger("dev.tlskit.dangerous");

  private SecurityInfos() {}

  /** What {@link SecurityInfo#keyExchangeGroup()} says of a resumed session whose handshake exchanged no key. */
  static final String NONE_RESUMED = "none (resumed)";

  /**
   * The side-specific facts of a handshake that the session does not hold; {@code flight} read the server's first
   * flight of this handshake (null when nothing did).
   */
  public record Facts(String peerName, boolean sniSent, boolean resumed, boolean clientCertificateRequested,
      KeyExchangeSniffer flight) {}

  /**
   * Describes the handshake on {@code socket}. {@code readPeerChain} false skips asking for the peer's chain (a server
   * that requested no client certificate: the JDK would throw an exception per handshake). The report is kept only
   * when the peer presented a chain, or {@code keepReport} says it was judged anyway (the client's view).
   */
  public static SecurityInfo describe(SSLSocket socket, TlsPolicy policy, boolean readPeerChain, Facts facts,
      ValidationReport report, boolean keepReport) {
    SSLSession session = socket.getSession();
    List<X509Certificate> peer = readPeerChain ? chain(session, true) : List.of();
    List<X509Certificate> local = chain(session, false);
    String protocol = session.getProtocol();
    PublicKey key = peer.isEmpty() ? null : peer.get(0).getPublicKey();
    String alpn = socket.getApplicationProtocol();
    SecurityInfo info = new SecurityInfo(protocol, session.getCipherSuite(),
        group(facts, session.getCipherSuite(), policy),
        signatureScheme(protocol, key), key == null ? null : Certs.keyType(key), key == null ? -1 : Certs.keyBits(key),
        facts.peerName(), facts.sniSent(), alpn == null || alpn.isEmpty() ? null : alpn, facts.resumed(), peer, local,
        facts.clientCertificateRequested(), keepReport || !peer.isEmpty() ? report : null);
    for (Weakening w : info.weakenings()) {
      if (w.door() != null) {
        DANGEROUS.log(System.Logger.Level.WARNING, "DANGEROUS: connection with {0} through dangerous() door {1}: {2}",
            facts.peerName() != null ? facts.peerName() : socket.getRemoteSocketAddress(), w.door(), w.describe());
      }
    }
    return info;
  }

  /**
   * Returns the negotiated group: as the server's first flight named it (an ECDHE ServerKeyExchange only for an
   * ECDHE suite), "none (resumed)" for a resumed session whose ServerHello carried no key share (TLS 1.2
   * resumption, TLS 1.3 psk_ke), else the policy's group when it has only one, else "unknown" (TLS 1.2 DHE).
   */
  static String group(Facts facts, String suite, TlsPolicy policy) {
    String seen = group(facts.flight(), suite, facts.resumed());
    if (!seen.equals(SecurityInfo.UNKNOWN)) return seen;
    return policy.namedGroups().size() == 1 ? policy.namedGroups().get(0) : SecurityInfo.UNKNOWN;
  }

  /**
   * Returns the group {@code flight} (the server's first flight, or null) named, "none (resumed)", or "unknown": the
   * same reading for a connection that is no TlsKit socket (an FTPS data connection's engine).
   */
  public static String group(KeyExchangeSniffer flight, String suite, boolean resumed) {
    if (flight != null && flight.group() >= 0 && (!flight.fromServerKeyExchange() || suite.contains("_ECDHE_"))) {
      return NamedGroups.name(flight.group());
    }
    if (flight != null && resumed && flight.helloSeen() && flight.group() < 0) return NONE_RESUMED;
    return SecurityInfo.UNKNOWN;
  }

  /** Returns the peer's (or our own) certificate chain of {@code session}; empty when none was presented. */
  public static List<X509Certificate> chain(SSLSession session, boolean peer) {
    List<X509Certificate> chain = new ArrayList<>();
    try {
      Certificate[] certs = peer ? session.getPeerCertificates() : session.getLocalCertificates();
      if (certs != null) {
        for (Certificate c : certs) chain.add((X509Certificate) c);
      }
    } catch (SSLPeerUnverifiedException anonymous) {
      // no certificate: empty chain
    }
    return chain;
  }

  /** Returns the scheme TLS 1.3 forces for an EC or EdDSA key; "unknown" where the JDK does not say. */
  static String signatureScheme(String protocol, PublicKey key) {
    if (key == null || !"TLSv1.3".equals(protocol)) return SecurityInfo.UNKNOWN;
    String type = Certs.keyType(key);
    if (type.equals("Ed25519")) return "ed25519";
    if (type.equals("Ed448")) return "ed448";
    if (key instanceof ECKey) {
      return switch (Certs.keyBits(key)) {
        case 256 -> "ecdsa_secp256r1_sha256";
        case 384 -> "ecdsa_secp384r1_sha384";
        case 521 -> "ecdsa_secp521r1_sha512";
        default -> SecurityInfo.UNKNOWN;
      };
    }
    if (type.equals("RSA")) return SecurityInfo.UNKNOWN + " (one of rsa_pss_rsae_sha256/384/512)";
    return SecurityInfo.UNKNOWN;
  }
}
