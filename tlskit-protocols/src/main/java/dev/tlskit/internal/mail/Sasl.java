package dev.tlskit.internal.mail;

import dev.tlskit.internal.starttls.Guards;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/** Builds the SASL initial responses the mail clients send: PLAIN (RFC 4616) and XOAUTH2. */
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
    byte[] t = utf8(token);
    byte[] head = ("user=" + user + "\u0001auth=Bearer ").getBytes(StandardCharsets.UTF_8);
    byte[] msg = new byte[head.length + t.length + 2];
    System.arraycopy(head, 0, msg, 0, head.length);
    System.arraycopy(t, 0, msg, head.length, t.length);
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

  /** Decodes a server challenge for display; undecodable input is returned as it came. */
  public static String decodeChallenge(String challenge) {
    try {
      return new String(Base64.getDecoder().decode(challenge.trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return challenge;
    }
  }

  private static byte[] utf8(char[] chars) {
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
