package dev.tlskit.imap;

import dev.tlskit.ProtocolException;
import dev.tlskit.internal.io.PeerText;
import dev.tlskit.internal.mail.EncodedWords;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One node of a message's MIME tree as the server describes it in BODYSTRUCTURE (RFC 9051 section 7.5.2): a leaf
 * part, a multipart with its children, or a {@code message/rfc822} part with the encapsulated message's tree as its
 * one child. All text is server text, untrusted.
 *
 * <p>{@link #section()} is what {@link ImapClient#fetchPart} takes: {@code "1"}, {@code "2.1"}. A multipart has no
 * number of its own, so its section is its container's ({@code ""} for the message itself); a message's only
 * non-multipart body is {@code "1"} (or {@code "2.1"} inside a message/rfc822 part {@code "2"}).
 *
 * @param section the part specifier for BODY[section], see above
 * @param type lower-case media type ({@code text}, {@code multipart}, ...)
 * @param subtype lower-case media subtype ({@code plain}, {@code mixed}, ...)
 * @param params Content-Type parameters, names lower case
 * @param id Content-ID, or null
 * @param description Content-Description (RFC 2047 words decoded), or null
 * @param encoding upper-case Content-Transfer-Encoding ({@code 7BIT}, {@code BASE64}, ...); null for a multipart
 * @param size size in bytes of the encoded body, or -1 (multipart, or not sent)
 * @param lines size in lines for text and message/rfc822 parts, or -1
 * @param disposition lower-case Content-Disposition ({@code attachment}, {@code inline}), or null
 * @param dispositionParams disposition parameters, names lower case, as sent (see {@link #filename()})
 * @param language Content-Language tags, possibly empty
 * @param location Content-Location, or null
 * @param parts children of a multipart, or the one encapsulated body of a message/rfc822 part; else empty
 */
public record BodyStructure(
    String section,
    String type,
    String subtype,
    Map<String, String> params,
    String id,
    String description,
    String encoding,
    long size,
    long lines,
    String disposition,
    Map<String, String> dispositionParams,
    List<String> language,
    String location,
    List<BodyStructure> parts) {

  public BodyStructure {
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    dispositionParams = Collections.unmodifiableMap(new LinkedHashMap<>(dispositionParams));
    language = List.copyOf(language);
    parts = List.copyOf(parts);
  }

  /** Returns true for a {@code multipart/*} node. */
  public boolean multipart() {
    return type.equals("multipart");
  }

  /** Returns the media type as {@code type/subtype}. */
  public String mimeType() {
    return type + "/" + subtype;
  }

  /**
   * Returns the file name: the disposition's {@code filename} (RFC 2231 {@code filename*} and continuations decoded;
   * RFC 2047 words too, which some senders use) or else the Content-Type {@code name}; empty when neither is sent.
   * Server text: never use it as a path without sanitising.
   */
  public Optional<String> filename() {
    return param(dispositionParams, "filename").or(() -> param(params, "name"));
  }

  /** Returns this node and every node below it, depth first. */
  public List<BodyStructure> flatten() {
    List<BodyStructure> out = new ArrayList<>();
    collect(this, out);
    return out;
  }

  /** Returns the leaf (non-multipart) node whose section is {@code section}, if any. */
  public Optional<BodyStructure> find(String section) {
    return flatten().stream().filter(p -> !p.multipart() && p.section().equals(section)).findFirst();
  }

  private static void collect(BodyStructure p, List<BodyStructure> out) {
    out.add(p);
    for (BodyStructure c : p.parts()) collect(c, out);
  }

  /**
   * Reads a parameter, joining RFC 2231 continuations ({@code name*0}, {@code name*1*}, ...) and decoding the
   * extended form ({@code charset'language'percent-encoded}). Falls back to the plain {@code name}.
   */
  static Optional<String> param(Map<String, String> map, String name) {
    String extended = map.get(name + "*");
    if (extended != null) return Optional.of(decode2231(extended, true));
    TreeMap<Integer, String> pieces = new TreeMap<>();
    boolean firstEncoded = false;
    for (Map.Entry<String, String> e : map.entrySet()) {
      String k = e.getKey();
      if (!k.startsWith(name + "*")) continue;
      String n = k.substring(name.length() + 1);
      boolean enc = n.endsWith("*");
      if (enc) n = n.substring(0, n.length() - 1);
      if (n.isEmpty() || n.length() > 3 || !n.chars().allMatch(c -> c >= '0' && c <= '9')) continue;
      int index = Integer.parseInt(n);
      pieces.put(index, (enc ? "\u0000" : "") + e.getValue());
      if (index == 0) firstEncoded = enc;
    }
    if (!pieces.isEmpty()) {
      Charset charset = StandardCharsets.UTF_8;
      StringBuilder sb = new StringBuilder();
      for (String piece : pieces.values()) {
        boolean enc = piece.startsWith("\u0000");
        String v = enc ? piece.substring(1) : piece;
        if (enc && firstEncoded && sb.isEmpty()) {
          int q1 = v.indexOf('\'');
          int q2 = q1 < 0 ? -1 : v.indexOf('\'', q1 + 1);
          if (q2 > 0) {
            charset = charset(v.substring(0, q1));
            v = v.substring(q2 + 1);
          }
        }
        sb.append(enc ? percentDecode(v, charset) : v);
      }
      return Optional.of(sb.toString());
    }
    String plain = map.get(name);
    return plain == null ? Optional.empty() : Optional.of(EncodedWords.decode(plain));
  }

  private static String decode2231(String value, boolean withCharset) {
    int q1 = value.indexOf('\'');
    int q2 = q1 < 0 ? -1 : value.indexOf('\'', q1 + 1);
    if (!withCharset || q2 < 0) return percentDecode(value, StandardCharsets.UTF_8);
    return percentDecode(value.substring(q2 + 1), charset(value.substring(0, q1)));
  }

  private static Charset charset(String name) {
    try {
      return name.isEmpty() ? StandardCharsets.US_ASCII : Charset.forName(name);
    } catch (RuntimeException e) {
      return StandardCharsets.UTF_8; // unknown or malformed charset name: best effort
    }
  }

  private static String percentDecode(String s, Charset charset) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
        out.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    return new String(out.toByteArray(), charset);
  }

  private static int hex(char c) {
    return Character.digit(c, 16) >= 0 && c < 0x80 ? Character.digit(c, 16) : -1;
  }

  // ---- parsing ------------------------------------------------------------------------------------------------

  /**
   * Builds the tree from a BODYSTRUCTURE (or BODY) value. Tolerates what servers are known to send: NIL where a
   * list belongs, numbers as strings, missing line counts, a bare disposition string, extension data beyond RFC
   * 9051's. Depth is bounded by the parser's {@link ImapLimits#maxDepth()}.
   *
   * @throws ProtocolException when the value is no body structure at all
   */
  static BodyStructure parse(ImapValue value) throws ProtocolException {
    if (!(value instanceof ImapValue.ListValue l)) throw bad("not a list", value);
    return node(l, "", true);
  }

  /**
   * @param prefix the section of the part this node describes, as the parent computed it
   * @param messageBody true when this node is the whole body of a message (a single part then gets section "1")
   */
  private static BodyStructure node(ImapValue.ListValue l, String prefix, boolean messageBody)
      throws ProtocolException {
    List<ImapValue> f = l.items();
    if (f.isEmpty()) throw bad("empty body", l);
    if (f.get(0) instanceof ImapValue.ListValue) return multipart(f, prefix);
    String section = messageBody ? child(prefix, 1) : prefix;
    if (f.size() < 7) throw bad("a part needs at least 7 fields", l);
    String type = lower(f.get(0), "text");
    String subtype = lower(f.get(1), "plain");
    Map<String, String> params = params(f.get(2));
    String id = text(f.get(3));
    String description = decoded(f.get(4));
    String encoding = text(f.get(5));
    encoding = encoding == null ? "7BIT" : encoding.toUpperCase(Locale.ROOT);
    long size = number(f.get(6));
    int i = 7;
    long lines = -1;
    List<BodyStructure> parts = List.of();
    if (type.equals("message") && (subtype.equals("rfc822") || subtype.equals("global"))
        && f.size() >= 10 && f.get(7) instanceof ImapValue.ListValue && f.get(8) instanceof ImapValue.ListValue b) {
      parts = List.of(node(b, section, true));
      lines = number(f.get(9));
      i = 10;
    } else if (type.equals("text") && f.size() > 7 && !(f.get(7) instanceof ImapValue.ListValue)
        && !(f.size() > 8 && f.get(8) instanceof ImapValue.ListValue)) {
      // some servers leave the line count out: then field 7 is the MD5 and the disposition list follows it
      lines = number(f.get(7));
      i = 8;
    }
    i++; // MD5: ignored
    return extended(section, type, subtype, params, id, description, encoding, size, lines, f, i, parts);
  }

  private static BodyStructure multipart(List<ImapValue> f, String prefix) throws ProtocolException {
    List<BodyStructure> children = new ArrayList<>();
    int i = 0;
    while (i < f.size() && f.get(i) instanceof ImapValue.ListValue c) {
      children.add(node(c, child(prefix, children.size() + 1), false));
      i++;
    }
    String subtype = i < f.size() ? lower(f.get(i), "mixed") : "mixed";
    i++;
    Map<String, String> params = i < f.size() ? params(f.get(i)) : Map.of();
    i++;
    return extended(prefix, "multipart", subtype, params, null, null, null, -1, -1, f, i, children);
  }

  /** Reads disposition, language and location from {@code f[i]} on; anything after is extension data, ignored. */
  private static BodyStructure extended(String section, String type, String subtype, Map<String, String> params,
      String id, String description, String encoding, long size, long lines, List<ImapValue> f, int i,
      List<BodyStructure> parts) {
    String disposition = null;
    Map<String, String> dispositionParams = Map.of();
    if (i < f.size()) {
      ImapValue d = f.get(i);
      if (d instanceof ImapValue.ListValue dl && !dl.items().isEmpty()) {
        disposition = lower(dl.items().get(0), null);
        if (dl.items().size() > 1) dispositionParams = params(dl.items().get(1));
      } else if (d instanceof ImapValue.Str || d instanceof ImapValue.Atom) {
        disposition = lower(d, null); // a bare string instead of a list
      }
    }
    List<String> language = List.of();
    if (i + 1 < f.size()) {
      ImapValue lv = f.get(i + 1);
      if (lv instanceof ImapValue.ListValue ll) {
        language = ll.items().stream().map(ImapValue::asText).filter(s -> s != null).toList();
      } else if (text(lv) != null) {
        language = List.of(text(lv));
      }
    }
    String location = i + 2 < f.size() ? text(f.get(i + 2)) : null;
    return new BodyStructure(section, type, subtype, params, id, description, encoding, size, lines, disposition,
        dispositionParams, language, location, parts);
  }

  private static String child(String prefix, int n) {
    return prefix.isEmpty() ? Integer.toString(n) : prefix + "." + n;
  }

  /** Attribute/value pairs; NIL or anything that is no list gives none; names lower case, the first one kept. */
  private static Map<String, String> params(ImapValue v) {
    Map<String, String> out = new LinkedHashMap<>();
    if (!(v instanceof ImapValue.ListValue l)) return out;
    for (int k = 0; k + 1 < l.items().size(); k += 2) {
      String name = text(l.items().get(k));
      String value = text(l.items().get(k + 1));
      if (name != null && value != null) out.putIfAbsent(name.toLowerCase(Locale.ROOT), value);
    }
    return out;
  }

  private static String text(ImapValue v) {
    return v instanceof ImapValue.ListValue ? null : v.asText();
  }

  private static String decoded(ImapValue v) {
    String t = text(v);
    return t == null ? null : EncodedWords.decode(t);
  }

  private static String lower(ImapValue v, String fallback) {
    String t = text(v);
    return t == null ? fallback : t.toLowerCase(Locale.ROOT);
  }

  /** A number, or a string of ASCII digits (some servers quote sizes); -1 for NIL or anything else. */
  private static long number(ImapValue v) {
    if (v instanceof ImapValue.Num n) return n.value();
    String t = text(v);
    if (t == null || t.isEmpty() || t.length() > 18 || !t.chars().allMatch(c -> c >= '0' && c <= '9')) return -1;
    return Long.parseLong(t);
  }

  private static ProtocolException bad(String why, ImapValue v) {
    return new ProtocolException("malformed BODYSTRUCTURE (" + why + "): " + PeerText.quote(String.valueOf(v)));
  }
}
