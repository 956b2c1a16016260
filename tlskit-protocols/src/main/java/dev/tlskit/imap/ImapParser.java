package dev.tlskit.imap;

import dev.tlskit.ProtocolException;
import dev.tlskit.internal.io.PeerText;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads IMAP responses (RFC 9051 section 7) from a line source: tags, status responses with response codes, and data
 * responses whose values may be atoms, numbers, quoted strings, literals and nested lists, a response continuing on
 * the line after each literal. Every size is bounded by {@link ImapLimits}. Not thread-safe.
 */
final class ImapParser {
  /** Where the parser gets its bytes: lines, and exact byte counts for literals. */
  interface Source {
    String readLine(int maxLength) throws IOException;

    InputStream input();
  }

  /** Takes a literal's bytes as they arrive instead of having them held in memory. */
  interface LiteralSink {
    /**
     * Called for a literal that is the value of data item {@code item} (an atom such as {@code BODY[2]}); returns
     * false to have it read into memory as usual. {@code data} ends after {@code size} bytes; what the sink leaves
     * unread is skipped.
     */
    boolean take(String item, long size, InputStream data) throws IOException;
  }

  private final Source source;
  private LiteralSink sink;
  private final ImapLimits limits;
  private String line;
  private int pos;
  private long responseBytes;

  ImapParser(Source source, ImapLimits limits) {
    this.source = source;
    this.limits = limits;
  }

  /** Sets where literals go until set back to null; see {@link LiteralSink}. */
  void sink(LiteralSink sink) {
    this.sink = sink;
  }

  /** Reads the next complete response. */
  ImapResponse read() throws IOException {
    responseBytes = 0;
    nextLine();
    if (line.startsWith("+")) {
      return new ImapResponse("+", "+", -1, null, line.length() > 1 ? line.substring(1).strip() : "", List.of());
    }
    String tag = word();
    if (tag.isEmpty()) throw malformed("missing tag");
    expectSpace();
    if (tag.equals("*")) return untagged();
    for (int i = 0; i < tag.length(); i++) {
      char ch = tag.charAt(i);
      if (ch <= 0x20 || ch >= 0x7f || "(){%*\"\\+".indexOf(ch) >= 0) throw malformed("bad tag");
    }
    String status = word().toUpperCase(Locale.ROOT);
    if (!status.equals("OK") && !status.equals("NO") && !status.equals("BAD")) {
      throw malformed("tagged response must be OK, NO or BAD");
    }
    return statusResponse(tag, status, -1);
  }

  private ImapResponse untagged() throws IOException {
    String first = word();
    long number = -1;
    String type;
    if (!first.isEmpty() && first.chars().allMatch(ImapParser::isAsciiDigit)) {
      number = parseNumber(first);
      expectSpace();
      type = word().toUpperCase(Locale.ROOT);
    } else {
      type = first.toUpperCase(Locale.ROOT);
    }
    if (type.isEmpty()) throw malformed("missing response type");
    switch (type) {
      case "OK", "NO", "BAD", "BYE", "PREAUTH" -> {
        if (number >= 0) throw malformed("status response with a number");
        return statusResponse("*", type, -1);
      }
      default -> {
        List<ImapValue> values = new ArrayList<>();
        while (true) {
          if (pos < line.length() && line.charAt(pos) == ' ') pos++;
          if (pos >= line.length()) break;
          values.add(value(0, values.isEmpty() ? null : values.get(values.size() - 1)));
        }
        return new ImapResponse("*", type, number, null, "", values);
      }
    }
  }

  private ImapResponse statusResponse(String tag, String status, long number) throws IOException {
    if (pos < line.length() && line.charAt(pos) == ' ') pos++;
    String code = null;
    if (pos < line.length() && line.charAt(pos) == '[') {
      int end = line.indexOf(']', pos);
      if (end < 0) throw malformed("response code without ']'");
      code = line.substring(pos + 1, end);
      pos = end + 1;
      if (pos < line.length() && line.charAt(pos) == ' ') pos++;
    }
    return new ImapResponse(tag, status, number, code, line.substring(pos), List.of());
  }

  /** Reads one value; {@code previous} is the item before it in its list (a data item name), or null. */
  private ImapValue value(int depth, ImapValue previous) throws IOException {
    char ch = line.charAt(pos);
    switch (ch) {
      case '(' -> {
        if (depth + 1 > limits.maxDepth()) throw malformed("lists nested deeper than " + limits.maxDepth());
        pos++;
        List<ImapValue> items = new ArrayList<>();
        while (true) {
          if (pos >= line.length()) throw malformed("list not closed");
          char c = line.charAt(pos);
          if (c == ')') {
            pos++;
            return new ImapValue.ListValue(items);
          }
          if (c == ' ') {
            pos++;
            continue;
          }
          items.add(value(depth + 1, items.isEmpty() ? null : items.get(items.size() - 1)));
        }
      }
      case '"' -> {
        return quoted();
      }
      case '{' -> {
        return literal(previous instanceof ImapValue.Atom a ? a.value() : null);
      }
      case ')' -> throw malformed("unexpected ')'");
      default -> {
        String atom = atom();
        if (atom.isEmpty()) throw malformed("unexpected character '" + ch + "'");
        if (atom.chars().allMatch(ImapParser::isAsciiDigit)) return new ImapValue.Num(parseNumber(atom));
        if (atom.equalsIgnoreCase("NIL")) return new ImapValue.Nil();
        return new ImapValue.Atom(atom);
      }
    }
  }

  private ImapValue quoted() throws ProtocolException {
    StringBuilder sb = new StringBuilder();
    pos++;
    while (pos < line.length()) {
      char c = line.charAt(pos++);
      if (c == '"') return new ImapValue.Str(sb.toString().getBytes(StandardCharsets.UTF_8));
      if (c == '\\') {
        if (pos >= line.length()) break;
        c = line.charAt(pos++);
        if (c != '\\' && c != '"') throw malformed("bad escape in quoted string");
      }
      sb.append(c);
    }
    throw malformed("quoted string not closed");
  }

  private ImapValue literal(String item) throws IOException {
    int close = line.indexOf('}', pos);
    if (close < 0 || close != line.length() - 1) throw malformed("literal size must end the line");
    String digits = line.substring(pos + 1, close);
    if (digits.endsWith("+")) digits = digits.substring(0, digits.length() - 1); // LITERAL- form, harmless
    if (digits.isEmpty() || digits.length() > 10 || !digits.chars().allMatch(ImapParser::isAsciiDigit)) {
      throw malformed("bad literal size");
    }
    long size = Long.parseLong(digits);
    if (size > limits.maxLiteralSize()) {
      throw new ProtocolException("IMAP literal of " + size + " bytes exceeds the limit of "
          + limits.maxLiteralSize());
    }
    count(size);
    if (sink != null && item != null) {
      InputStream bounded = new BoundedInput(source.input(), size);
      if (sink.take(item, size, bounded)) {
        bounded.skipNBytes(bounded.available());
        nextLine();
        return new ImapValue.Str(new byte[0]);
      }
    }
    byte[] data = new byte[(int) size];
    int n = source.input().readNBytes(data, 0, data.length);
    if (n < data.length) throw new EOFException("connection closed by peer inside a literal");
    nextLine();
    return new ImapValue.Str(data);
  }

  /** The next {@code left} bytes of a literal; end of stream before them is an {@link EOFException}. */
  private static final class BoundedInput extends InputStream {
    private final InputStream in;
    private long left;

    BoundedInput(InputStream in, long left) {
      this.in = in;
      this.left = left;
    }

    @Override
    public int read() throws IOException {
      if (left == 0) return -1;
      int b = in.read();
      if (b < 0) throw new EOFException("connection closed by peer inside a literal");
      left--;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) return 0;
      if (left == 0) return -1;
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n < 0) throw new EOFException("connection closed by peer inside a literal");
      left -= n;
      return n;
    }

    /** The bytes of the literal not read yet (not what arrived; used to skip the rest). */
    @Override
    public int available() {
      return (int) left;
    }
  }

  private String atom() {
    int start = pos;
    int brackets = 0;
    while (pos < line.length()) {
      char c = line.charAt(pos);
      if (c == '[') brackets++;
      else if (c == ']' && brackets > 0) brackets--;
      else if (brackets == 0 && (c == ' ' || c == '(' || c == ')' || c == '"' || c == '{' || c < 0x20)) break;
      pos++;
    }
    return line.substring(start, pos);
  }

  private String word() {
    int start = pos;
    while (pos < line.length() && line.charAt(pos) != ' ') pos++;
    return line.substring(start, pos);
  }

  private void expectSpace() throws ProtocolException {
    if (pos >= line.length() || line.charAt(pos) != ' ') throw malformed("expected a space");
    pos++;
  }

  private long parseNumber(String digits) throws ProtocolException {
    if (digits.length() > 19) throw malformed("number too large");
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw malformed("number too large");
    }
  }

  private void nextLine() throws IOException {
    line = source.readLine(limits.maxLineLength());
    pos = 0;
    count(line.length() + 2);
  }

  private void count(long bytes) throws ProtocolException {
    responseBytes += bytes;
    if (responseBytes > limits.maxResponseSize()) {
      throw new ProtocolException("IMAP response larger than " + limits.maxResponseSize() + " bytes");
    }
  }

  /** Only ASCII digits count: Character.isDigit and Long.parseLong also take other scripts' digits. */
  private static boolean isAsciiDigit(int c) {
    return c >= '0' && c <= '9';
  }

  private ProtocolException malformed(String why) {
    return new ProtocolException("malformed IMAP response (" + why + "): " + PeerText.quote(line));
  }
}
