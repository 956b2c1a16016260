package dev.tlskit.internal.mail;

/** Renders untrusted server text for messages: quoted, control characters escaped, length bounded. */
public final class ServerText {
  private static final int MAX = 300;

  private ServerText() {}

  /** Returns {@code text} in double quotes with control characters escaped, cut at 300 characters. */
  public static String quote(String text) {
    if (text == null) return "\"\"";
    StringBuilder sb = new StringBuilder(Math.min(text.length(), MAX) + 8).append('"');
    for (int i = 0; i < text.length() && i < MAX; i++) {
      char ch = text.charAt(i);
      if (ch == '\r') sb.append("\\r");
      else if (ch == '\n') sb.append("\\n");
      else if (ch < 0x20 || ch == 0x7f) sb.append(String.format("\\x%02x", (int) ch));
      else sb.append(ch);
    }
    if (text.length() > MAX) sb.append("...");
    return sb.append('"').toString();
  }
}
