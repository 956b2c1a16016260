package dev.tlskit.internal.starttls;

import dev.tlskit.ProtocolException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One reply in the SMTP/FTP shape: "ccc text", or "ccc-first" ... "ccc last" over several lines.
 *
 * @param code the three digits
 * @param lines every line as received
 */
record CodeReply(String code, List<String> lines) {
  CodeReply {
    lines = List.copyOf(lines);
  }

  /**
   * Reads one reply. SMTP (RFC 5321) repeats the code with "-" on every line but the last; FTP (RFC 959) only on the
   * first, so with {@code codeOnEveryLine} false the lines in between may hold any text.
   *
   * @throws ProtocolException when a line breaks that shape
   */
  static CodeReply read(PreambleLines in, boolean codeOnEveryLine) throws IOException {
    String first = in.line();
    if (!hasCode(first)) throw new ProtocolException("malformed reply: " + first, null, first, null);
    String code = first.substring(0, 3);
    List<String> lines = new ArrayList<>(List.of(first));
    for (String l = first; !isLast(l, code); ) {
      l = in.line();
      if (codeOnEveryLine && !(l.startsWith(code) && hasCode(l))) {
        throw new ProtocolException("malformed reply: line \"" + l + "\" inside a " + code + " reply", code, l, null);
      }
      lines.add(l);
    }
    return new CodeReply(code, lines);
  }

  /** Returns true when the reply has this code ("220"). */
  boolean is(String expected) {
    return code.equals(expected);
  }

  /** Returns this reply as an answer to an upgrade command: its code, and its lines as the server's text. */
  Starttls.Answer answer() {
    return new Starttls.Answer(code, String.join("\n", lines));
  }

  /** Returns the last line, which carries the outcome. */
  String last() {
    return lines.get(lines.size() - 1);
  }

  /** Returns the text of every line after the first, without the code ("250-SIZE 10" -> "SIZE 10"), trimmed. */
  List<String> textsAfterFirst() {
    return lines.subList(1, lines.size()).stream()
        .map(l -> (l.startsWith(code) && hasCode(l) ? l.substring(Math.min(4, l.length())) : l).trim())
        .toList();
  }

  /** Returns the lines between the first and the last, trimmed (an FTP FEAT listing: " AUTH TLS" -> "AUTH TLS"). */
  List<String> between() {
    return lines.subList(1, Math.max(1, lines.size() - 1)).stream().map(String::trim).toList();
  }

  private static boolean hasCode(String l) {
    if (l.length() < 3 || (l.length() > 3 && l.charAt(3) != ' ' && l.charAt(3) != '-')) return false;
    for (int i = 0; i < 3; i++) {
      if (l.charAt(i) < '0' || l.charAt(i) > '9') return false;
    }
    return true;
  }

  private static boolean isLast(String l, String code) {
    return l.startsWith(code) && (l.length() == 3 || l.charAt(3) == ' ');
  }
}
