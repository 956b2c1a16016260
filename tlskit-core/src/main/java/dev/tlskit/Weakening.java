package dev.tlskit;

import dev.tlskit.internal.tls.Algorithms;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One way a live connection is weaker than {@link TlsPolicy#MODERN} would allow, with its context: listed in
 * {@link SecurityInfo#weakenings()}, its text and its JSON, and printed by the CLI as a warning. Those that only a
 * {@link TlsPolicy.Builder#dangerous()} door can open say so ({@link #door()}), and are logged at WARNING on
 * {@code dev.tlskit.dangerous} when the connection is made.
 */
public sealed interface Weakening {
  /** The {@link TlsPolicy.Builder#dangerous()} doors to weaker cryptography. */
  enum Door {
    /** {@link TlsPolicy.Builder.Dangerous#allowTls10And11()}. */
    TLS_10_AND_11,
    /** {@link TlsPolicy.Builder.Dangerous#allowRsaKeyExchange()}. */
    RSA_KEY_EXCHANGE,
    /** {@link TlsPolicy.Builder.Dangerous#allow3des()}. */
    TRIPLE_DES
  }

  /** Returns a one-line description: what was negotiated and what it weakens. */
  String describe();

  /**
   * Returns the door that had to be opened for it, or null when a preset ({@link TlsPolicy#LEGACY_COMPATIBLE})
   * allows it.
   */
  Door door();

  /** Returns a short stable name for JSON ("old-protocol"). */
  String kind();

  /** TLS 1.0 or 1.1 was negotiated (RFC 8996 deprecated both). */
  record OldProtocol(String protocol) implements Weakening {
    public String describe() {
      return protocol + " negotiated: deprecated (RFC 8996), SHA-1/MD5 handshake hashes, CBC only";
    }

    public Door door() {
      return Door.TLS_10_AND_11;
    }

    public String kind() {
      return "old-protocol";
    }
  }

  /** A CBC suite (MAC-then-encrypt: padding oracles such as Lucky13) was negotiated instead of an AEAD one. */
  record CbcCipher(String cipherSuite) implements Weakening {
    public String describe() {
      return cipherSuite + " negotiated: CBC with MAC-then-encrypt instead of AEAD (padding-oracle attacks)";
    }

    public Door door() {
      return null;
    }

    public String kind() {
      return "cbc-cipher";
    }
  }

  /** RSA key exchange was negotiated: no forward secrecy. */
  record NoForwardSecrecy(String cipherSuite) implements Weakening {
    public String describe() {
      return cipherSuite + " negotiated: RSA key exchange, no forward secrecy (the server's key decrypts recordings)";
    }

    public Door door() {
      return Door.RSA_KEY_EXCHANGE;
    }

    public String kind() {
      return "no-forward-secrecy";
    }
  }

  /** A Triple-DES suite was negotiated: 64-bit blocks (Sweet32). */
  record TripleDes(String cipherSuite) implements Weakening {
    public String describe() {
      return cipherSuite + " negotiated: 3DES, 64-bit blocks (Sweet32 on long connections)";
    }

    public Door door() {
      return Door.TRIPLE_DES;
    }

    public String kind() {
      return "3des";
    }
  }

  /**
   * The server certificate was accepted on its subject CN alone (no subjectAltName): the same fact as the
   * {@link CertificateProblem.MissingSubjectAltName} warning of the report, listed here too so that one list holds
   * everything weaker than MODERN.
   */
  record CommonNameFallback(String expected, String commonName) implements Weakening {
    public String describe() {
      return "certificate accepted for " + expected + " on its subject CN '" + commonName
          + "' alone (no subjectAltName; RFC 9525 removed this fallback)";
    }

    public Door door() {
      return null;
    }

    public String kind() {
      return "common-name-fallback";
    }
  }

  /** Returns this weakening as a JSON-ready map: kind, the record's fields, door and message. */
  default Map<String, Object> jsonTree() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", kind());
    switch (this) {
      case OldProtocol w -> m.put("protocol", w.protocol());
      case CbcCipher w -> m.put("cipherSuite", w.cipherSuite());
      case NoForwardSecrecy w -> m.put("cipherSuite", w.cipherSuite());
      case TripleDes w -> m.put("cipherSuite", w.cipherSuite());
      case CommonNameFallback w -> {
        m.put("expected", w.expected());
        m.put("commonName", w.commonName());
      }
    }
    m.put("door", door() == null ? null : door().name());
    m.put("message", describe());
    return m;
  }

  /** Returns what {@code protocol} and {@code cipherSuite} (and the report's CN fallback) weaken, in that order. */
  static List<Weakening> of(String protocol, String cipherSuite, ValidationReport report) {
    List<Weakening> w = new ArrayList<>();
    if (Algorithms.OLD_PROTOCOLS.contains(protocol)) w.add(new OldProtocol(protocol));
    if (cipherSuite != null) {
      if (Algorithms.isRsaKeyExchange(cipherSuite)) w.add(new NoForwardSecrecy(cipherSuite));
      if (Algorithms.is3des(cipherSuite)) {
        w.add(new TripleDes(cipherSuite));
      } else if (Algorithms.isCbc(cipherSuite)) {
        w.add(new CbcCipher(cipherSuite));
      }
    }
    if (report != null) {
      for (CertificateProblem p : report.warnings()) {
        if (p instanceof CertificateProblem.MissingSubjectAltName m && m.fallbackUsed()) {
          w.add(new CommonNameFallback(m.expected(), m.commonName()));
        }
      }
    }
    return List.copyOf(w);
  }
}
