package dev.tlskit.internal.io;

import java.util.function.IntUnaryOperator;

/**
 * Renders untrusted text from a peer (a server's reply, plaintext injected before a handshake) for an error message
 * or a log line: in double quotes, CR and LF as {@code \r} and {@code \n}, other control characters as {@code \xNN},
 * cut at {@value #MAX} characters. The one escaper of peer text: a hostile peer must not be able to forge log lines,
 * move the terminal's cursor or fill a message with megabytes.
 */
public final class PeerText {
  /** The most characters of peer text shown. */
  public static final int MAX = 300;

  private PeerText() {}

  /** Returns {@code text} quoted and escaped, cut at {@value #MAX} characters ({@code ...} marks the cut). */
  public static String quote(String text) {
    return text == null ? "\"\"" : quote(text.length(), text::charAt, 0xffff);
  }

  /**
   * Returns {@code len} bytes of {@code b} from {@code off}, quoted as by {@link #quote(String)}; bytes outside
   * printable ASCII show as {@code \xNN} (raw bytes need not be text in any charset).
   */
  public static String quote(byte[] b, int off, int len) {
    return quote(len, i -> b[off + i] & 0xff, 0x7e);
  }

  private static String quote(int length, IntUnaryOperator at, int highestPlain) {
    StringBuilder sb = new StringBuilder(Math.min(length, MAX) + 8).append('"');
    for (int i = 0; i < length && i < MAX; i++) {
      int ch = at.applyAsInt(i);
      if (ch == '\r') sb.append("\\r");
      else if (ch == '\n') sb.append("\\n");
      else if (ch < 0x20 || ch == 0x7f || ch > highestPlain) sb.append(String.format("\\x%02x", ch));
      else sb.append((char) ch);
    }
    if (length > MAX) sb.append("...");
    return sb.append('"').toString();
  }
}
