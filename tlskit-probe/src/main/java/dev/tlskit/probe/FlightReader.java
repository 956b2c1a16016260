package dev.tlskit.probe;

import dev.tlskit.internal.io.PeerText;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a server's first flight in answer to a probe {@link ClientHello}: TLS records, reassembled handshake
 * messages, a ServerHello or HelloRetryRequest and, for TLS 1.2 and older, Certificate, CertificateStatus and
 * ServerKeyExchange up to ServerHelloDone. Everything is length-checked; at most {@link #MAX_BYTES} are read.
 */
final class FlightReader {
  /** The most bytes a flight may take (a long certificate chain fits easily). */
  static final int MAX_BYTES = 256 * 1024;
  private static final byte[] HRR_RANDOM = sha256("HelloRetryRequest");

  private final InputStream in;
  private final boolean wholeFlight;
  private final ByteArrayOutputStream handshake = new ByteArrayOutputStream();
  private int consumed; // bytes of `handshake` already parsed into messages
  private int total;

  /**
   * @param in the server's bytes
   * @param wholeFlight for TLS 1.2 and older, read on to ServerHelloDone (certificates, OCSP, key exchange) instead
   *     of stopping after the ServerHello
   */
  FlightReader(InputStream in, boolean wholeFlight) {
    this.in = in;
    this.wholeFlight = wholeFlight;
  }

  /** Reads and returns the flight. */
  ServerFlight read() throws IOException {
    Builder b = new Builder();
    while (true) {
      byte[] header = new byte[5];
      if (!readFully(header, b.helloSeen())) return b.helloSeen() ? b.build() : ServerFlight.closed();
      int type = header[0] & 0xFF;
      int major = header[1] & 0xFF;
      int length = ((header[3] & 0xFF) << 8) | (header[4] & 0xFF);
      if (type < 20 || type > 23 || major != 3 || length > 16384 + 2048) {
        String text = new String(header, StandardCharsets.US_ASCII);
        if (!b.helloSeen() && TemporaryRefusal.busyReply(text)) {
          // e.g. Exim on a TLS-on-connect port, over smtp_accept_max: "421 Too many concurrent SMTP connections"
          throw new TemporaryRefusal(ProbeReport.Incomplete.Cause.REFUSED, "the server answered in plaintext, busy"
              + printable(header), null);
        }
        throw new MalformedTlsException("not a TLS record (bytes " + hex(header) + "): the port may not speak TLS"
            + printable(header));
      }
      total += 5 + length;
      if (total > MAX_BYTES) throw new MalformedTlsException("server flight longer than " + MAX_BYTES + " bytes");
      byte[] body = new byte[length];
      if (!readFully(body, false)) throw new MalformedTlsException("record truncated");
      switch (type) {
        case 21 -> {
          if (length < 2) throw new MalformedTlsException("alert record of " + length + " bytes");
          if (b.helloSeen()) return b.build(); // an alert after the hello (e.g. missing key share): keep the hello
          return ServerFlight.alert(body[1] & 0xFF);
        }
        case 22 -> {
          handshake.writeBytes(body);
          if (messages(b)) return b.build();
        }
        case 20 -> { } // TLS 1.3 middlebox-compatibility change_cipher_spec
        default -> {
          if (b.helloSeen()) return b.build(); // encrypted records follow a TLS 1.3 ServerHello
          throw new MalformedTlsException("application data before a ServerHello");
        }
      }
    }
  }

  /** Parses the complete handshake messages buffered so far; returns true when the flight is complete. */
  private boolean messages(Builder b) throws IOException {
    byte[] all = handshake.toByteArray();
    while (all.length - consumed >= 4) {
      int type = all[consumed] & 0xFF;
      int len = ((all[consumed + 1] & 0xFF) << 16) | ((all[consumed + 2] & 0xFF) << 8) | (all[consumed + 3] & 0xFF);
      if (all.length - consumed - 4 < len) return false;
      Cursor m = new Cursor(Arrays.copyOfRange(all, consumed + 4, consumed + 4 + len));
      consumed += 4 + len;
      switch (type) {
        case 2 -> {
          serverHello(m, b);
          if (b.kind == ServerFlight.Kind.HELLO_RETRY_REQUEST || b.version == TlsVersion.TLS_1_3 || !wholeFlight) {
            return true;
          }
        }
        case 11 -> certificates(m, b);
        case 22 -> {
          if (m.u8() == 1) b.ocsp = m.bytes(m.u24());
        }
        case 12 -> keyExchange(m, b);
        case 14 -> {
          return true; // ServerHelloDone
        }
        case 20 -> {
          return true; // Finished (an abbreviated handshake)
        }
        default -> { } // CertificateRequest, NewSessionTicket, ...
      }
      if (!b.helloSeen()) throw new MalformedTlsException("handshake message " + type + " before the ServerHello");
    }
    return false;
  }

  private static void serverHello(Cursor m, Builder b) throws IOException {
    int legacyVersion = m.u16();
    byte[] random = m.bytes(32);
    b.sessionId = m.bytes(m.u8()).length > 0;
    b.suite = CipherSuite.of(m.u16());
    m.u8(); // compression
    b.kind = Arrays.equals(random, HRR_RANDOM)
        ? ServerFlight.Kind.HELLO_RETRY_REQUEST : ServerFlight.Kind.SERVER_HELLO;
    int version = legacyVersion;
    if (m.remaining() > 0) {
      Cursor exts = new Cursor(m.bytes(m.u16()));
      while (exts.remaining() > 0) {
        int type = exts.u16();
        Cursor e = new Cursor(exts.bytes(exts.u16()));
        switch (type) {
          case 43 -> version = e.u16();
          case 51 -> b.group = NamedGroup.of(e.u16());
          case 16 -> {
            e.u16();
            b.alpn = new String(e.bytes(e.u8()), StandardCharsets.US_ASCII);
          }
          case 0xFF01 -> b.secureRenegotiation = true;
          case 23 -> b.extendedMasterSecret = true;
          case 35 -> b.sessionTicket = true;
          default -> { }
        }
      }
    }
    b.version = TlsVersion.of(version);
    if (b.version == null) {
      throw new MalformedTlsException(String.format("server selected unknown version 0x%04X", version));
    }
  }

  private static void certificates(Cursor m, Builder b) throws IOException {
    Cursor list = new Cursor(m.bytes(m.u24()));
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      while (list.remaining() > 0) {
        byte[] der = list.bytes(list.u24());
        b.chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der)));
      }
    } catch (CertificateException e) {
      throw new MalformedTlsException("server sent an unparseable certificate: " + e.getMessage());
    }
  }

  private static void keyExchange(Cursor m, Builder b) throws IOException {
    if (b.suite == null) return;
    if (b.suite.ecdhe()) {
      if (m.u8() == 3) b.group = NamedGroup.of(m.u16()); // named_curve
    } else if (b.suite.dhe()) {
      b.dhBits = new BigInteger(1, m.bytes(m.u16())).bitLength();
    }
  }

  /** Fills {@code buf}; returns false at a clean end of stream (or a reset) before the first byte. */
  private boolean readFully(byte[] buf, boolean endIsFine) throws IOException {
    int n = 0;
    while (n < buf.length) {
      int r;
      try {
        r = in.read(buf, n, buf.length - n);
      } catch (SocketException e) {
        if (n == 0) return false; // reset: servers that refuse by dropping the connection
        throw e;
      }
      if (r < 0) {
        if (n == 0) return false;
        if (endIsFine) return false;
        throw new EOFException("connection closed inside a TLS record");
      }
      n += r;
    }
    return true;
  }

  private static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) sb.append(String.format("%02x", x & 0xFF));
    return sb.toString();
  }

  private static String printable(byte[] b) {
    for (byte x : b) {
      if (x < 0x20 && x != '\r' && x != '\n' || x > 0x7E) return "";
    }
    return " (text: " + PeerText.quote(b, 0, b.length) + "...)";
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Bounds-checked reads over one message. */
  private static final class Cursor {
    private final byte[] data;
    private int pos;

    Cursor(byte[] data) {
      this.data = data;
    }

    int remaining() {
      return data.length - pos;
    }

    int u8() throws MalformedTlsException {
      need(1);
      return data[pos++] & 0xFF;
    }

    int u16() throws MalformedTlsException {
      return (u8() << 8) | u8();
    }

    int u24() throws MalformedTlsException {
      return (u8() << 16) | u16();
    }

    byte[] bytes(int n) throws MalformedTlsException {
      need(n);
      byte[] r = Arrays.copyOfRange(data, pos, pos + n);
      pos += n;
      return r;
    }

    private void need(int n) throws MalformedTlsException {
      if (n < 0 || remaining() < n) {
        throw new MalformedTlsException("handshake message truncated: needed " + n + " bytes, " + remaining()
            + " left");
      }
    }
  }

  private static final class Builder {
    ServerFlight.Kind kind;
    TlsVersion version;
    CipherSuite suite;
    NamedGroup group;
    int dhBits = -1;
    String alpn;
    boolean secureRenegotiation;
    boolean extendedMasterSecret;
    boolean sessionId;
    boolean sessionTicket;
    final List<X509Certificate> chain = new ArrayList<>();
    byte[] ocsp;

    boolean helloSeen() {
      return kind != null;
    }

    ServerFlight build() {
      return new ServerFlight(kind, version, suite, group, dhBits, alpn, secureRenegotiation, extendedMasterSecret,
          chain, ocsp, -1, sessionId, sessionTicket);
    }
  }
}
