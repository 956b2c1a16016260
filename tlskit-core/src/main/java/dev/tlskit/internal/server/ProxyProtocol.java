package dev.tlskit.internal.server;

import dev.tlskit.ProtocolException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a HAProxy PROXY protocol header (version 1 text or version 2 binary) from the start of a connection, byte by
 * byte, so that nothing after the header is consumed: the TLS handshake or the plaintext protocol follows it on the
 * same stream. Bounded: at most 107 bytes for version 1 and 16 + 1024 for version 2.
 */
public final class ProxyProtocol {
  /** The addresses a PROXY header carried; both null for LOCAL / UNKNOWN (use the real connection's). */
  public record Header(InetSocketAddress source, InetSocketAddress destination) {}

  static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
  private static final int V1_MAX = 107;
  private static final int V2_MAX_BODY = 1024;

  private ProxyProtocol() {}

  /**
   * Reads one header.
   *
   * @throws ProtocolException when the stream does not start with a well-formed header
   */
  public static Header read(InputStream in) throws IOException {
    int first = next(in);
    if (first == 'P') return readV1(in);
    if (first == 0x0D) return readV2(in);
    throw invalid("expected a PROXY protocol header, got byte 0x" + Integer.toHexString(first));
  }

  private static Header readV1(InputStream in) throws IOException {
    byte[] line = new byte[V1_MAX];
    line[0] = 'P';
    int n = 1;
    while (true) {
      if (n == V1_MAX) throw invalid("version 1 header longer than " + V1_MAX + " bytes");
      int b = next(in);
      line[n++] = (byte) b;
      if (b == '\n') break;
    }
    if (n < 2 || line[n - 2] != '\r') throw invalid("version 1 header not ended by CRLF");
    String text = new String(line, 0, n - 2, StandardCharsets.US_ASCII);
    String[] f = text.split(" ", -1);
    if (!f[0].equals("PROXY") || f.length < 2) throw invalid("version 1 header must start with 'PROXY ': " + text);
    if (f[1].equals("UNKNOWN")) return new Header(null, null);
    if (f.length != 6 || !(f[1].equals("TCP4") || f[1].equals("TCP6"))) {
      throw invalid("version 1 header is not 'PROXY TCP4|TCP6 src dst sport dport': " + text);
    }
    boolean v6 = f[1].equals("TCP6");
    return new Header(address(f[2], f[4], v6), address(f[3], f[5], v6));
  }

  private static InetSocketAddress address(String ip, String port, boolean v6) throws ProtocolException {
    // Only shapes the JDK parses as literals may reach getByName: anything else it would resolve through DNS.
    boolean shapeOk = v6 ? ip.matches("[0-9a-fA-F:][0-9a-fA-F:.]{1,44}") && ip.contains(":")
        : ip.matches("\\d{1,3}(\\.\\d{1,3}){3}")
            && Arrays.stream(ip.split("\\.")).allMatch(o -> Integer.parseInt(o) <= 255);
    if (!shapeOk) throw invalid("bad " + (v6 ? "IPv6" : "IPv4") + " address in version 1 header: " + ip);
    if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
      throw invalid("bad port in version 1 header: " + port);
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(ip), Integer.parseInt(port)); // literal: no DNS lookup
    } catch (UnknownHostException e) {
      throw invalid("bad address in version 1 header: " + ip);
    }
  }

  private static Header readV2(InputStream in) throws IOException {
    byte[] sig = new byte[V2_SIGNATURE.length];
    sig[0] = 0x0D;
    readFully(in, sig, 1, sig.length - 1);
    if (!Arrays.equals(sig, V2_SIGNATURE)) throw invalid("bad version 2 signature");
    int verCmd = next(in);
    int family = next(in);
    int len = (next(in) << 8) | next(in);
    if ((verCmd >> 4) != 2) throw invalid("unsupported version " + (verCmd >> 4) + " (version 2 expected)");
    int cmd = verCmd & 0x0F;
    if (cmd > 1) throw invalid("unknown version 2 command " + cmd);
    if (len > V2_MAX_BODY) throw invalid("version 2 header body of " + len + " bytes exceeds " + V2_MAX_BODY);
    byte[] body = new byte[len];
    readFully(in, body, 0, len);
    if (cmd == 0) return new Header(null, null); // LOCAL: health check from the proxy itself
    int af = family >> 4;
    int transport = family & 0x0F;
    if (transport != 1 || (af != 1 && af != 2)) return new Header(null, null); // not TCP over IP: keep real peer
    int addrLen = af == 1 ? 4 : 16;
    if (len < 2 * addrLen + 4) throw invalid("version 2 address block too short: " + len + " bytes");
    InetAddress src = InetAddress.getByAddress(Arrays.copyOfRange(body, 0, addrLen));
    InetAddress dst = InetAddress.getByAddress(Arrays.copyOfRange(body, addrLen, 2 * addrLen));
    int sport = ((body[2 * addrLen] & 0xff) << 8) | (body[2 * addrLen + 1] & 0xff);
    int dport = ((body[2 * addrLen + 2] & 0xff) << 8) | (body[2 * addrLen + 3] & 0xff);
    return new Header(new InetSocketAddress(src, sport), new InetSocketAddress(dst, dport));
  }

  private static int next(InputStream in) throws IOException {
    int b = in.read();
    if (b < 0) throw new EOFException("connection closed inside the PROXY protocol header");
    return b;
  }

  private static void readFully(InputStream in, byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      int n = in.read(b, off, len);
      if (n < 0) throw new EOFException("connection closed inside the PROXY protocol header");
      off += n;
      len -= n;
    }
  }

  private static ProtocolException invalid(String why) {
    return new ProtocolException("invalid PROXY protocol header: " + why);
  }
}
