package dev.tlskit.smtp;

import java.util.List;

/**
 * One SMTP reply: its three-digit code and the text of each line (without code and separator). The text comes from
 * the server and is untrusted.
 */
public record SmtpReply(int code, List<String> lines) {
  public SmtpReply {
    lines = List.copyOf(lines);
  }

  /** Returns the text of all lines joined by newlines. */
  public String text() {
    return String.join("\n", lines);
  }

  /** Returns true for 2xx and 3xx codes. */
  public boolean positive() {
    return code >= 200 && code < 400;
  }

  @Override
  public String toString() {
    return code + " " + String.join(" / ", lines);
  }
}
