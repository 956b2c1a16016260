package dev.tlskit.internal.mail;

import dev.tlskit.internal.starttls.Guards;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Builds the SASL responses that carry a secret as it is: PLAIN (RFC 4616), XOAUTH2, OAUTHBEARER (RFC 7628) and
 * LOGIN's base64 lines.
 */
public final class Sasl {
  private Sasl() {}

  /** Returns base64 of {@code NUL user NUL password}, the PLAIN response with an empty authorization identity. */
  public static String plain(String user, char[] password) {
    checkNoNul("user", user);
    byte[] u = user.getBytes(StandardCharsets.UTF_8);
    byte[] p = utf8(password);
    byte[] msg = new byte[u.length + p.length + 2];
    System.arraycopy(u, 0, msg, 1, u.length);
    System.arraycopy(p, 0, msg, u.length + 2, p.length);
    try {
      return Base64.getEncoder().encodeToString(msg);
    } finally {
      Arrays.fill(p, (byte) 0);
      Arrays.fill(msg, (byte) 0);
    }
  }

  /** Returns base64 of {@code user=U^Aauth=Bearer TOKEN^A^A}, the XOAUTH2 initial response. */
  public static String xoauth2(String user, char[] token) {
    checkNoNul("user", user);
    Guards.checkArgument("user", user);
    return bearer("user=" + user + "\u0001auth=Bearer ", token);
  }

  /**
   * Returns base64 of the OAUTHBEARER initial response (RFC 7628 3.1): the gs2 header naming {@code user}, then
   * host and port when known (null, 0 when not), and the bearer token.
   */
  public static String oauthBearer(String user, String host, int port, char[] token) {
    checkNoNul("user", user);
    return bearer("n,a=" + user.replace("=", "=3D").replace(",", "=2C") + ",\u0001"
        + (host != null ? "host=" + host + "\u0001" : "") + (port > 0 ? "port=" + port + "\u0001" : "")
        + "auth=Bearer ", token);
  }

  /** Returns base64 of {@code head}, the token and two ^A, the shape both bearer-token mechanisms end with. */
  private static String bearer(String head, char[] token) {
    byte[] h = head.getBytes(StandardCharsets.UTF_8);
    byte[] t = utf8(token);
    byte[] msg = new byte[h.length + t.length + 2];
    System.arraycopy(h, 0, msg, 0, h.length);
    System.arraycopy(t, 0, msg, h.length, t.length);
    msg[msg.length - 2] = 1;
    msg[msg.length - 1] = 1;
    try {
      return Base64.getEncoder().encodeToString(msg);
    } finally {
      Arrays.fill(t, (byte) 0);
      Arrays.fill(msg, (byte) 0);
    }
  }

  /** Returns base64 of a string, as AUTH LOGIN sends the user name. */
  public static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Returns base64 of a secret, as AUTH LOGIN sends the password. */
  public static String base64(char[] secret) {
    byte[] b = utf8(secret);
    try {
      return Base64.getEncoder().encodeToString(b);
    } finally {
      Arrays.fill(b, (byte) 0);
    }
  }

  static byte[] utf8(char[] chars) {
    ByteBuffer bb = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
    byte[] b = new byte[bb.remaining()];
    bb.get(b);
    if (bb.hasArray()) Arrays.fill(bb.array(), (byte) 0);
    return b;
  }

  private static void checkNoNul(String name, String value) {
    if (value.indexOf(0) >= 0) throw new IllegalArgumentException(name + " must not contain NUL");
  }
}
