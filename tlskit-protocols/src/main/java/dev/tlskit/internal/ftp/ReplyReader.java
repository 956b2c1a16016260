package dev.tlskit.internal.ftp;

import dev.tlskit.ProtocolException;
import dev.tlskit.ftp.FtpReply;
import dev.tlskit.internal.io.PeerText;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads FTP replies as RFC 959 section 4.2 defines them: {@code ddd text}, or {@code ddd-text} followed by any lines
 * up to one that starts with the same code and a space. Bounded in line length, line count and total size, so a
 * hostile server cannot make the client hold an unbounded reply.
 */
public final class ReplyReader {
  /** Longest line accepted, terminator included. */
  public static final int MAX_LINE = 8 * 1024;
  /** Most lines in one reply (FEAT and STAT replies are the long ones). */
  public static final int MAX_LINES = 1000;
  /** Most bytes in one reply. */
  public static final int MAX_BYTES = 256 * 1024;

  /** Where lines come from: the control connection, or a transcript in tests. */
  @FunctionalInterface
  public interface LineSource {
    String readLine(int maxLength) throws IOException;
  }

  private final LineSource source;

  public ReplyReader(LineSource source) {
    this.source = source;
  }

  /**
   * Reads one complete reply.
   *
   * @throws ProtocolException when the reply is malformed or exceeds the bounds
   */
  public FtpReply read() throws IOException {
    String first = source.readLine(MAX_LINE);
    int code = code(first);
    if (code < 0 || (first.length() > 3 && first.charAt(3) != ' ' && first.charAt(3) != '-')) {
      throw new ProtocolException("malformed FTP reply: " + PeerText.quote(first));
    }
    List<String> lines = new ArrayList<>();
    lines.add(first);
    if (first.length() > 3 && first.charAt(3) == '-') {
      String end = first.substring(0, 3);
      int total = first.length();
      while (true) {
        String line = source.readLine(MAX_LINE);
        total += line.length() + 2;
        if (lines.size() >= MAX_LINES || total > MAX_BYTES) {
          throw new ProtocolException("FTP reply " + end + " longer than " + MAX_LINES + " lines or " + MAX_BYTES
              + " bytes");
        }
        lines.add(line);
        if (line.startsWith(end) && (line.length() == 3 || line.charAt(3) == ' ')) break;
      }
    }
    return new FtpReply(code, lines);
  }

  private static int code(String line) {
    if (line.length() < 3) return -1;
    char a = line.charAt(0);
    char b = line.charAt(1);
    char c = line.charAt(2);
    if (a < '1' || a > '5' || b < '0' || b > '9' || c < '0' || c > '9') return -1;
    return (a - '0') * 100 + (b - '0') * 10 + (c - '0');
  }
}
