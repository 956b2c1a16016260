package dev.tlskit.probe;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;

/**
 * Writes a ClientHello record (RFC 8446 section 4.1.2, RFC 5246 section 7.4.1.2) offering exactly one protocol
 * version, so that what the server answers tells whether it accepts that version and which of the offered suites
 * and groups it picks. The probe never completes these handshakes: it reads the server's first flight and closes.
 *
 * <p>For TLS 1.3 the key_share extension is sent empty, which makes a server that accepts one of the offered groups
 * answer with a HelloRetryRequest naming it (RFC 8446 section 4.1.4); no key is generated.
 *
 * @param version the only version offered
 * @param suites the cipher suites, in preference order
 * @param groups the groups for supported_groups, in preference order
 * @param serverName the SNI host name, or null (never an IP literal)
 * @param alpn ALPN protocols to offer; empty for none
 * @param statusRequest whether to ask for a stapled OCSP response
 * @param sessionTicket TLS 1.2 and older: whether to send an empty session_ticket extension (RFC 5077), which a
 *     server that will issue a ticket echoes
 */
record ClientHello(TlsVersion version, List<CipherSuite> suites, List<NamedGroup> groups, String serverName,
    List<String> alpn, boolean statusRequest, boolean sessionTicket) {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Signature schemes offered (TLS 1.2+): modern first, SHA-1 last so old servers still answer. */
  private static final int[] SIGNATURE_SCHEMES = {
      0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0809, 0x080A, 0x080B,
      0x0401, 0x0501, 0x0601, 0x0402, 0x0201, 0x0203, 0x0202};

  ClientHello {
    Objects.requireNonNull(version, "version");
    suites = List.copyOf(suites);
    groups = List.copyOf(groups);
    alpn = List.copyOf(alpn);
    if (suites.isEmpty()) throw new IllegalArgumentException("a ClientHello needs at least one suite");
    if (suites.size() > 500) throw new IllegalArgumentException("too many suites: " + suites.size());
  }

  /** A hello without the session_ticket extension. */
  ClientHello(TlsVersion version, List<CipherSuite> suites, List<NamedGroup> groups, String serverName,
      List<String> alpn, boolean statusRequest) {
    this(version, suites, groups, serverName, alpn, statusRequest, false);
  }

  /** Returns the record bytes: one handshake record holding the ClientHello. */
  byte[] encode() {
    Buf body = new Buf();
    body.u16(version == TlsVersion.TLS_1_3 ? TlsVersion.TLS_1_2.code() : version.code());
    byte[] random = new byte[32];
    RANDOM.nextBytes(random);
    body.bytes(random);
    byte[] sessionId = new byte[version == TlsVersion.TLS_1_3 ? 32 : 0]; // RFC 8446 middlebox compatibility
    RANDOM.nextBytes(sessionId);
    body.u8(sessionId.length).bytes(sessionId);
    body.u16(suites.size() * 2);
    for (CipherSuite s : suites) body.u16(s.code());
    body.u8(1).u8(0); // compression: null only
    Buf ext = new Buf();
    extensions(ext);
    body.u16(ext.size()).bytes(ext.toByteArray());

    Buf hs = new Buf().u8(1).u24(body.size()).bytes(body.toByteArray());
    if (hs.size() > 16384) throw new IllegalStateException("ClientHello too large: " + hs.size());
    return new Buf().u8(22).u16(0x0301).u16(hs.size()).bytes(hs.toByteArray()).toByteArray();
  }

  private void extensions(Buf ext) {
    if (serverName != null) {
      byte[] name = serverName.getBytes(StandardCharsets.US_ASCII);
      Buf list = new Buf().u8(0).u16(name.length).bytes(name);
      ext.u16(0).u16(list.size() + 2).u16(list.size()).bytes(list.toByteArray());
    }
    if (!groups.isEmpty()) {
      ext.u16(10).u16(groups.size() * 2 + 2).u16(groups.size() * 2);
      for (NamedGroup g : groups) ext.u16(g.code());
      ext.u16(11).u16(2).u8(1).u8(0); // ec_point_formats: uncompressed
    }
    if (version.compareTo(TlsVersion.TLS_1_2) >= 0) {
      ext.u16(13).u16(SIGNATURE_SCHEMES.length * 2 + 2).u16(SIGNATURE_SCHEMES.length * 2);
      for (int s : SIGNATURE_SCHEMES) ext.u16(s);
    }
    if (statusRequest) ext.u16(5).u16(5).u8(1).u16(0).u16(0); // ocsp, no responder ids, no extensions
    if (!alpn.isEmpty()) {
      Buf list = new Buf();
      for (String p : alpn) {
        byte[] b = p.getBytes(StandardCharsets.US_ASCII);
        list.u8(b.length).bytes(b);
      }
      ext.u16(16).u16(list.size() + 2).u16(list.size()).bytes(list.toByteArray());
    }
    if (sessionTicket && version != TlsVersion.TLS_1_3) ext.u16(35).u16(0); // session_ticket: none yet
    ext.u16(23).u16(0); // extended_master_secret
    ext.u16(0xFF01).u16(1).u8(0); // renegotiation_info, initial handshake
    if (version == TlsVersion.TLS_1_3) {
      ext.u16(43).u16(3).u8(2).u16(TlsVersion.TLS_1_3.code()); // supported_versions
      ext.u16(45).u16(2).u8(1).u8(1); // psk_key_exchange_modes: psk_dhe_ke
      ext.u16(51).u16(2).u16(0); // key_share: no share, ask for a HelloRetryRequest
    }
  }

  /** A growable byte buffer with big-endian writers. */
  static final class Buf {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Buf u8(int v) {
      out.write(v);
      return this;
    }

    Buf u16(int v) {
      return u8(v >>> 8).u8(v & 0xFF);
    }

    Buf u24(int v) {
      return u8(v >>> 16).u16(v & 0xFFFF);
    }

    Buf bytes(byte[] b) {
      out.writeBytes(b);
      return this;
    }

    int size() {
      return out.size();
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }
}
