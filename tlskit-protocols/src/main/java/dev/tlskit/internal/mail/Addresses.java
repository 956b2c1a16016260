package dev.tlskit.internal.mail;

import dev.tlskit.smtp.InvalidAddressException;
import java.nio.charset.StandardCharsets;

/**
 * The one syntax check of mail addresses (RFC 5321 4.1.2 Mailbox, with RFC 6531's UTF-8 where SMTPUTF8 applies):
 * a dot-string or quoted-string local part of at most 64 octets, {@code @}, then a domain of letter-digit-hyphen
 * labels or an address literal, at most 254 octets in all. No display names, no comments, no angle brackets: this is
 * the envelope form. CR/LF is refused here as any other control character.
 */
public final class Addresses {
  private static final String ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";

  private Addresses() {}

  /**
   * Returns {@code address} when it is a valid mailbox, else throws {@link InvalidAddressException} naming
   * {@code role} and what is wrong.
   */
  public static String check(String role, String address) {
    if (address == null) throw new NullPointerException(role);
    String why = problem(address);
    if (why != null) throw new InvalidAddressException(role, address, why);
    return address;
  }

  /** Returns true when the address contains characters beyond ASCII (it needs SMTPUTF8). */
  public static boolean isInternational(String address) {
    return address.chars().anyMatch(c -> c >= 0x80);
  }

  private static String problem(String a) {
    if (a.isEmpty()) return "empty";
    if (a.getBytes(StandardCharsets.UTF_8).length > 254) return "longer than 254 octets";
    int at = a.lastIndexOf('@');
    if (at < 0) return "no '@'";
    String local = a.substring(0, at);
    String domain = a.substring(at + 1);
    if (local.isEmpty()) return "empty local part";
    if (local.getBytes(StandardCharsets.UTF_8).length > 64) return "local part longer than 64 octets";
    String l = local.startsWith("\"") ? quotedProblem(local) : dotStringProblem(local);
    if (l != null) return l;
    if (domain.isEmpty()) return "empty domain";
    return domain.startsWith("[") ? literalProblem(domain) : domainProblem(domain);
  }

  private static String dotStringProblem(String s) {
    if (s.startsWith(".") || s.endsWith(".") || s.contains("..")) return "misplaced '.' in the local part";
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '.' || isAtext(c)) continue;
      return "character " + describe(c) + " in the local part (quote it)";
    }
    return null;
  }

  private static String quotedProblem(String s) {
    if (s.length() < 2 || !s.endsWith("\"")) return "unterminated quoted local part";
    for (int i = 1; i < s.length() - 1; i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        if (++i >= s.length() - 1 || s.charAt(i) < 0x20 || s.charAt(i) == 0x7f) return "bad escape in quotes";
      } else if (c < 0x20 || c == 0x7f || c == '"') {
        return "character " + describe(c) + " in the quoted local part";
      }
    }
    return null;
  }

  private static String domainProblem(String d) {
    if (d.getBytes(StandardCharsets.UTF_8).length > 253) return "domain longer than 253 octets"; // RFC 1035
    for (String label : d.split("\\.", -1)) {
      if (label.isEmpty()) return "empty label in the domain";
      if (label.length() > 63) return "domain label longer than 63 characters";
      if (label.startsWith("-") || label.endsWith("-")) return "domain label starts or ends with '-'";
      for (int i = 0; i < label.length(); i++) {
        char c = label.charAt(i);
        boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
            || (c >= 0x80 && Character.isLetterOrDigit(label.codePointAt(i)))
            || Character.isLowSurrogate(c) || Character.isHighSurrogate(c);
        if (!ok) return "character " + describe(c) + " in the domain";
      }
    }
    return null;
  }

  private static String literalProblem(String d) {
    if (!d.endsWith("]")) return "unterminated address literal";
    String in = d.substring(1, d.length() - 1);
    if (in.regionMatches(true, 0, "IPv6:", 0, 5)) {
      return in.substring(5).matches("[0-9A-Fa-f:.]{2,45}") ? null : "bad IPv6 address literal";
    }
    String[] parts = in.split("\\.", -1);
    if (parts.length != 4) return "bad IPv4 address literal";
    for (String p : parts) {
      if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > 255) return "bad IPv4 address literal";
    }
    return null;
  }

  private static boolean isAtext(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || ATEXT_SPECIALS.indexOf(c) >= 0
        // UTF-8 (RFC 6531; SMTPUTF8 is asked for separately), but no C1 controls or Unicode spaces and line breaks
        || (c >= 0x80 && !Character.isISOControl(c) && !Character.isSpaceChar(c));
  }

  private static String describe(char c) {
    return c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : "'" + c + "'";
  }
}
