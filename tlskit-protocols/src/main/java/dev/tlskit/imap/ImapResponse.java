package dev.tlskit.imap;

import java.util.List;

/**
 * One IMAP server response. Status responses (OK, NO, BAD, BYE, PREAUTH) carry an optional response code (the
 * text inside {@code [...]}, such as {@code ALERT} or {@code UIDVALIDITY 42}) and human text; data responses carry
 * their type ({@code FETCH}, {@code LIST}, ...), an optional leading number ({@code * 3 EXISTS}) and parsed values.
 * All text comes from the server and is untrusted.
 *
 * @param tag the command tag, {@code "*"} for untagged responses, {@code "+"} for a continuation request
 * @param type upper-case status or data type; {@code "+"} for a continuation request
 * @param number the number before the type, or -1
 * @param code the response code without brackets, or null
 * @param text the human-readable text of a status response or continuation, else empty
 * @param values the values after the type of a data response
 */
public record ImapResponse(String tag, String type, long number, String code, String text, List<ImapValue> values) {
  public ImapResponse {
    values = List.copyOf(values);
  }

  public boolean tagged() {
    return !tag.equals("*") && !tag.equals("+");
  }

  public boolean continuation() {
    return tag.equals("+");
  }

  /** Returns the first word of the response code (upper case), or empty. */
  public String codeName() {
    if (code == null) return "";
    int sp = code.indexOf(' ');
    return (sp < 0 ? code : code.substring(0, sp)).toUpperCase(java.util.Locale.ROOT);
  }

  /** Returns the response as the server might have written it, for messages. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(tag);
    if (number >= 0) sb.append(' ').append(number);
    if (!type.equals("+")) sb.append(' ').append(type);
    if (code != null) sb.append(" [").append(code).append(']');
    if (!text.isEmpty()) sb.append(' ').append(text);
    for (ImapValue v : values) sb.append(' ').append(v);
    return sb.toString();
  }
}
