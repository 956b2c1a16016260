package dev.tlskit.internal.mail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Decodes RFC 2047 encoded words in header values and reads a message's header block, for display. */
public final class EncodedWords {
  private static final Pattern WORD = Pattern.compile("=\\?([^?\\s]+)\\?([bBqQ])\\?([^?\\s]*)\\?=");
  private static final Pattern BETWEEN_WORDS = Pattern.compile("(\\?=)\\s+(=\\?)");

  private EncodedWords() {}

  /** Returns {@code value} with encoded words decoded; words that cannot be decoded are left as they are. */
  public static String decode(String value) {
    if (value == null || !value.contains("=?")) return value;
    String joined = BETWEEN_WORDS.matcher(value).replaceAll("$1$2"); // whitespace between words is not text
    Matcher m = WORD.matcher(joined);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String text;
      try {
        Charset cs = Charset.forName(m.group(1).replaceFirst("\\*.*", ""));
        byte[] bytes = m.group(2).equalsIgnoreCase("B")
            ? Base64.getMimeDecoder().decode(m.group(3))
            : quoted(m.group(3));
        text = new String(bytes, cs);
      } catch (IllegalArgumentException e) {
        text = m.group();
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(text));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private static byte[] quoted(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '_') out.write(' ');
      else if (c == '=' && i + 2 < s.length()) {
        out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 2;
      } else out.write(c);
    }
    return out.toByteArray();
  }

  /**
   * Returns the header fields of a message (up to the first blank line), names lower case, folded lines joined,
   * values decoded; the first occurrence of a name wins.
   */
  public static Map<String, String> headers(byte[] message) {
    String text = new String(message, StandardCharsets.UTF_8);
    Map<String, String> headers = new LinkedHashMap<>();
    String name = null;
    StringBuilder value = new StringBuilder();
    for (String line : text.split("\r?\n", -1)) {
      if (line.isEmpty()) break;
      if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && name != null) {
        value.append(' ').append(line.strip());
        continue;
      }
      if (name != null) headers.putIfAbsent(name, decode(value.toString()));
      int colon = line.indexOf(':');
      if (colon <= 0) {
        name = null;
        continue;
      }
      name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      value.setLength(0);
      value.append(line.substring(colon + 1).strip());
    }
    if (name != null) headers.putIfAbsent(name, decode(value.toString()));
    return headers;
  }
}
