package dev.tlskit.ftp;

import java.util.List;

/**
 * One FTP reply (RFC 959 section 4.2): a three-digit code and its text lines, the first and last still carrying the
 * code as the server sent them. The text comes from the server and is untrusted.
 */
public record FtpReply(int code, List<String> lines) {
  public FtpReply {
    if (code < 100 || code > 599) throw new IllegalArgumentException("reply code out of range: " + code);
    lines = List.copyOf(lines);
    if (lines.isEmpty()) throw new IllegalArgumentException("a reply has at least one line");
  }

  /** Returns the text of a single-line reply, or of the last line, without the code. */
  public String text() {
    String last = lines.get(lines.size() - 1);
    return last.length() > 4 ? last.substring(4) : "";
  }

  /** Returns all lines joined by newlines, as the server sent them. */
  public String fullText() {
    return String.join("\n", lines);
  }

  /** Returns true for 1xx: a transfer or action is starting, another reply follows. */
  public boolean isPreliminary() {
    return code < 200;
  }

  /** Returns true for 2xx. */
  public boolean isPositive() {
    return code >= 200 && code < 300;
  }

  /** Returns true for 3xx: the server waits for a follow-up command (PASS, RNTO, ...). */
  public boolean isIntermediate() {
    return code >= 300 && code < 400;
  }

  @Override
  public String toString() {
    return lines.size() == 1 ? lines.get(0) : fullText();
  }
}
