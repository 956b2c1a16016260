package dev.tlskit.imap;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** One parsed element of an IMAP response (RFC 9051 section 4): atom, number, string, NIL or parenthesised list. */
public sealed interface ImapValue {
  /** Returns the value as text: atoms and numbers as written, strings decoded as UTF-8, NIL as null. */
  String asText();

  /** An atom, such as a flag ({@code \Seen}) or a data item name ({@code BODY[HEADER]}). */
  record Atom(String value) implements ImapValue {
    public String asText() {
      return value;
    }
  }

  /** A non-negative number. */
  record Num(long value) implements ImapValue {
    public String asText() {
      return Long.toString(value);
    }
  }

  /** A quoted string or a literal, as raw bytes. */
  record Str(byte[] bytes) implements ImapValue {
    public String asText() {
      return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return "Str[" + asText() + "]";
    }
  }

  /** NIL. */
  record Nil() implements ImapValue {
    public String asText() {
      return null;
    }
  }

  /** A parenthesised list. */
  record ListValue(List<ImapValue> items) implements ImapValue {
    public ListValue {
      items = List.copyOf(items);
    }

    public String asText() {
      return items.toString();
    }
  }
}
