package dev.tlskit.internal.starttls;

import java.security.SecureRandom;

/**
 * Makes IMAP command tags: eight random letters and digits per command, so that an attacker cannot prepare tagged
 * responses in advance (a forged "a002 OK" injected ahead of TLS needs the tag the client will use). The one tag
 * source of the IMAP client and the STARTTLS preamble.
 */
public final class ImapTags {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] TAG_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

  private ImapTags() {}

  /** Returns a fresh random tag. */
  public static String next() {
    char[] t = new char[8];
    for (int i = 0; i < t.length; i++) t[i] = TAG_CHARS[RANDOM.nextInt(TAG_CHARS.length)];
    return new String(t);
  }
}
