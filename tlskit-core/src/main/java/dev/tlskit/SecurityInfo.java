package dev.tlskit;

import dev.tlskit.internal.json.JsonWriter;
import dev.tlskit.internal.trust.Certs;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Describes a live TLS connection: what was negotiated and how the peer was judged. Printable ({@link #toString()})
 * and serialisable ({@link #toJson()}).
 *
 * <p>The key-exchange group is read from the server's first flight as it passes, on either side and with any JSSE
 * provider (JSSE has no API for it): the ServerHello's key_share in TLS 1.3 (after a HelloRetryRequest too, and on
 * a psk_dhe_ke resumption, which exchanges a key again), the named curve of a TLS 1.2 ECDHE ServerKeyExchange. It is
 * spelled as the JDK and the IANA registry spell it ("x25519", "secp384r1", "ffdhe2048", "X25519MLKEM768"), an
 * unassigned code point as "0x1234". A resumed session whose handshake exchanged no key (TLS 1.2; TLS 1.3 psk_ke) says
 * {@code "none (resumed)"}. Where the flight does not name it (a TLS 1.2 DHE suite), it is the policy's group
 * when the policy offers only one, else {@code "unknown"}.
 *
 * <p>The signature scheme is known only when the protocol and peer key determine it (TLS 1.3 with an EC or EdDSA
 * key), since JSSE does not expose it; otherwise it says {@code "unknown"} rather than guess.
 *
 * @param protocol protocol version ("TLSv1.3")
 * @param cipherSuite the cipher suite
 * @param keyExchangeGroup the key-exchange group ("x25519", "X25519MLKEM768"), "none (resumed)", or "unknown"
 * @param signatureScheme the peer's handshake signature scheme, or "unknown" (possibly with the candidates)
 * @param peerKeyType the peer leaf's key algorithm ("EC", "RSA", "Ed25519"), or null without a peer certificate
 * @param peerKeyBits the peer leaf's key size, or -1
 * @param peerName the name the peer was verified against
 * @param sniSent whether the name was sent as SNI (never for IP literals)
 * @param alpn the negotiated ALPN protocol, or null when none
 * @param resumed whether the session was resumed (no certificate was exchanged in this handshake)
 * @param peerChain the peer's certificate chain as presented
 * @param localChain our certificate chain, empty when none was presented
 * @param clientCertificateRequested whether the server asked for a client certificate (false when unknown)
 * @param validation how the peer's chain was judged
 */
public record SecurityInfo(
    String protocol, String cipherSuite, String keyExchangeGroup, String signatureScheme, String peerKeyType,
    int peerKeyBits, String peerName, boolean sniSent, String alpn, boolean resumed,
    List<X509Certificate> peerChain, List<X509Certificate> localChain, boolean clientCertificateRequested,
    ValidationReport validation) {

  /** The value of a fact the JDK does not tell. */
  public static final String UNKNOWN = "unknown";

  public SecurityInfo {
    peerChain = List.copyOf(peerChain);
    localChain = List.copyOf(localChain);
    if (keyExchangeGroup == null) keyExchangeGroup = UNKNOWN;
    if (signatureScheme == null) signatureScheme = UNKNOWN;
  }

  /** Creates an info without knowing whether a client certificate was requested (the server side's view). */
  public SecurityInfo(String protocol, String cipherSuite, String keyExchangeGroup, String signatureScheme,
      String peerKeyType, int peerKeyBits, String peerName, boolean sniSent, String alpn, boolean resumed,
      List<X509Certificate> peerChain, List<X509Certificate> localChain, ValidationReport validation) {
    this(protocol, cipherSuite, keyExchangeGroup, signatureScheme, peerKeyType, peerKeyBits, peerName, sniSent, alpn,
        resumed, peerChain, localChain, false, validation);
  }

  /** Creates an info with the group, scheme and resumption unknown; the peer key is read from {@code peerChain}. */
  public SecurityInfo(String protocol, String cipherSuite, String peerName, boolean sniSent, String alpn,
      List<X509Certificate> peerChain, List<X509Certificate> localChain, ValidationReport validation) {
    this(protocol, cipherSuite, UNKNOWN, UNKNOWN,
        peerChain.isEmpty() ? null : Certs.keyType(peerChain.get(0).getPublicKey()),
        peerChain.isEmpty() ? -1 : Certs.keyBits(peerChain.get(0).getPublicKey()),
        peerName, sniSent, alpn, false, peerChain, localChain, false, validation);
  }

  /**
   * Returns how this connection is weaker than {@link TlsPolicy#MODERN} allows (an old protocol, CBC, no forward
   * secrecy, 3DES, the subject-CN fallback), derived from the negotiated protocol and suite and the report; empty
   * for a modern connection.
   */
  public List<Weakening> weakenings() {
    return Weakening.of(protocol, cipherSuite, validation);
  }

  /** Returns a multi-line human-readable description, weakenings and validation report included. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append("Protocol:      ").append(protocol).append('\n');
    sb.append("Cipher suite:  ").append(cipherSuite).append('\n');
    sb.append("Key exchange:  ").append(keyExchangeGroup).append('\n');
    sb.append("Signature:     ").append(signatureScheme).append('\n');
    sb.append("Peer key:      ").append(peerKeyType == null ? "none" : peerKeyType + " " + peerKeyBits + " bits")
        .append('\n');
    sb.append("Peer name:     ").append(peerName).append(sniSent ? " (sent as SNI)" : " (no SNI)").append('\n');
    sb.append("ALPN:          ").append(alpn == null ? "none" : alpn).append('\n');
    sb.append("Resumed:       ").append(resumed ? "yes" : "no").append('\n');
    if (!localChain.isEmpty()) {
      sb.append("Our cert:      ").append(Certs.subject(localChain.get(0))).append('\n');
    } else if (clientCertificateRequested) {
      sb.append("Our cert:      none, although the server asked for one\n");
    }
    for (Weakening w : weakenings()) {
      sb.append("Weakened:      ").append(w.describe())
          .append(w.door() == null ? "" : " [dangerous door " + w.door() + "]").append('\n');
    }
    if (validation != null) sb.append(validation);
    return sb.toString();
  }

  /** Returns this description as a JSON object. */
  public String toJson() {
    return JsonWriter.toJson(jsonTree());
  }

  /** Returns this description as nested maps, for embedding in larger JSON documents. */
  public Map<String, Object> jsonTree() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("protocol", protocol);
    m.put("cipherSuite", cipherSuite);
    m.put("keyExchangeGroup", keyExchangeGroup);
    m.put("signatureScheme", signatureScheme);
    m.put("peerKeyType", peerKeyType);
    m.put("peerKeyBits", peerKeyBits);
    m.put("peerName", peerName);
    m.put("sniSent", sniSent);
    m.put("alpn", alpn);
    m.put("resumed", resumed);
    m.put("peerChain", peerChain.stream().map(Certs::summary).toList());
    m.put("localChain", localChain.stream().map(Certs::summary).toList());
    m.put("clientCertificateRequested", clientCertificateRequested);
    m.put("weakenings", weakenings().stream().map(Weakening::jsonTree).toList());
    m.put("validation", validation == null ? null : validation.jsonTree());
    return m;
  }
}
