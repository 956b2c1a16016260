package dev.tlskit.internal.json;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/**
 * Writes compact JSON text. Values are written through {@link #value(Object)}, which understands null, strings,
 * numbers, booleans, instants (as ISO-8601 strings), collections, maps with string keys, and {@link Json} objects.
 */
public final class JsonWriter {
  /** A value that writes itself as JSON. */
  public interface Json {
    void writeTo(JsonWriter w);
  }

  private final StringBuilder sb = new StringBuilder();
  private boolean needComma;

  /** Starts an object. */
  public JsonWriter beginObject() {
    comma();
    sb.append('{');
    needComma = false;
    return this;
  }

  /** Ends an object. */
  public JsonWriter endObject() {
    sb.append('}');
    needComma = true;
    return this;
  }

  /** Writes one member name; the next call writes its value. */
  public JsonWriter name(String name) {
    comma();
    string(name);
    sb.append(':');
    needComma = false;
    return this;
  }

  /** Writes one member: name and value. */
  public JsonWriter member(String name, Object value) {
    return name(name).value(value);
  }

  /** Writes one value. */
  public JsonWriter value(Object v) {
    switch (v) {
      case null -> raw("null");
      case Json j -> j.writeTo(this);
      case CharSequence s -> {
        comma();
        string(s.toString());
        needComma = true;
      }
      case Boolean b -> raw(b.toString());
      case Integer i -> raw(i.toString());
      case Long l -> raw(l.toString());
      case Number n -> raw(Double.isFinite(n.doubleValue()) ? n.toString() : "null");
      case Instant i -> value(i.toString());
      case Enum<?> e -> value(e.name());
      case Map<?, ?> m -> {
        beginObject();
        m.forEach((k, val) -> member(String.valueOf(k), val));
        endObject();
      }
      case Collection<?> c -> {
        comma();
        sb.append('[');
        needComma = false;
        for (Object o : c) value(o);
        sb.append(']');
        needComma = true;
      }
      default -> value(v.toString());
    }
    return this;
  }

  private void raw(String s) {
    comma();
    sb.append(s);
    needComma = true;
  }

  private void comma() {
    if (needComma) sb.append(',');
  }

  private void string(String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
        }
      }
    }
    sb.append('"');
  }

  @Override
  public String toString() {
    return sb.toString();
  }

  /** Returns the JSON text of one value. */
  public static String toJson(Object value) {
    return new JsonWriter().value(value).toString();
  }
}
