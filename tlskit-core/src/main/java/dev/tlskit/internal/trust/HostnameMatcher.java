package dev.tlskit.internal.trust;

import java.net.IDN;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Checks a certificate against the name a client expected, following RFC 9525 (which replaced RFC 6125): only
 * subjectAltName entries name the peer, a wildcard matches only as the whole left-most label and only one label, IP
 * addresses match only IP entries, comparison ignores case and a trailing dot, and internationalised names are
 * compared as A-labels. The subject CN is looked at only to tell a certificate with no subjectAltName at all that
 * names the host in its CN ({@link Match#COMMON_NAME_ONLY}) apart from one for another name; whether that CN is
 * accepted is the policy's decision, not the matcher's.
 */
public final class HostnameMatcher {
  private static final int SAN_DNS = 2;
  private static final int SAN_IP = 7;
  // Compiled once: every handshake parses the peer name (String.matches would compile a pattern per call).
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.%a-zA-Z0-9]+");

  /** How a certificate names the expected peer. */
  public enum Match {
    /** A subjectAltName entry matches: the certificate is valid for the name. */
    SUBJECT_ALT_NAME,
    /**
     * The certificate has no DNS or IP subjectAltName and its subject CN matches the host name: valid only under the
     * common-name fallback RFC 9525 removed.
     */
    COMMON_NAME_ONLY,
    /** Nothing names the peer. */
    NONE
  }

  private HostnameMatcher() {}

  /** Returns true when a subjectAltName of {@code certificate} names {@code expected} (a host name or IP literal). */
  public static boolean matches(String expected, X509Certificate certificate) {
    return match(expected, certificate) == Match.SUBJECT_ALT_NAME;
  }

  /** Returns how {@code certificate} names {@code expected} (a host name or an IP literal). */
  public static Match match(String expected, X509Certificate certificate) {
    byte[] ip = parseIpLiteral(expected);
    List<List<?>> sans = subjectAltNames(certificate);
    if (ip != null) {
      for (List<?> san : sans) {
        if (((Integer) san.get(0)) == SAN_IP && Arrays.equals(ip, parseIpLiteral((String) san.get(1)))) {
          return Match.SUBJECT_ALT_NAME;
        }
      }
      return Match.NONE; // an IP address is never taken from the CN
    }
    String host = normalizeExpected(expected);
    if (host == null) return Match.NONE;
    boolean hasSanName = false;
    for (List<?> san : sans) {
      int type = (Integer) san.get(0);
      if (type == SAN_DNS || type == SAN_IP) hasSanName = true;
      if (type == SAN_DNS && matchesPattern(host, (String) san.get(1))) return Match.SUBJECT_ALT_NAME;
    }
    if (hasSanName) return Match.NONE;
    String cn = commonName(certificate);
    return cn != null && matchesPattern(host, cn) ? Match.COMMON_NAME_ONLY : Match.NONE;
  }

  /** Returns the names a certificate presents, as {@code DNS:...}, {@code IP:...} and {@code CN:...}. */
  public static List<String> presentedNames(X509Certificate certificate) {
    List<String> out = new ArrayList<>();
    for (List<?> san : subjectAltNames(certificate)) {
      int type = (Integer) san.get(0);
      if (type == SAN_DNS) out.add("DNS:" + san.get(1));
      else if (type == SAN_IP) out.add("IP:" + san.get(1));
    }
    String cn = commonName(certificate);
    if (cn != null) out.add("CN:" + cn);
    return out;
  }

  /**
   * Returns true when {@code host} (normalised: lower case, no trailing dot, A-labels) matches the presented DNS
   * {@code pattern}, which may hold a wildcard as its whole left-most label.
   */
  static boolean matchesPattern(String host, String pattern) {
    String p = normalizePresented(pattern);
    if (p == null) return false;
    if (!p.contains("*")) return host.equals(p);
    // Wildcard: exactly "*" as the left-most label, and at least two labels after it (no "*.com").
    if (!p.startsWith("*.") || p.indexOf('*', 1) >= 0) return false;
    String suffix = p.substring(1); // ".example.com"
    if (suffix.chars().filter(c -> c == '.').count() < 2) return false;
    if (!host.endsWith(suffix)) return false;
    String first = host.substring(0, host.length() - suffix.length());
    return !first.isEmpty() && first.indexOf('.') < 0;
  }

  /** Returns the expected name lower-cased, without trailing dot, as A-labels; null when it is not a valid name. */
  static String normalizeExpected(String name) {
    if (name == null || name.isEmpty()) return null;
    String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    if (n.isEmpty() || n.startsWith(".") || n.contains("..") || n.contains("*")) return null;
    try {
      n = IDN.toASCII(n, 0);
    } catch (IllegalArgumentException e) {
      return null;
    }
    return n.toLowerCase(Locale.ROOT);
  }

  private static String normalizePresented(String name) {
    if (name == null || name.isEmpty()) return null;
    String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    if (n.isEmpty() || n.startsWith(".") || n.contains("..")) return null;
    for (int i = 0; i < n.length(); i++) {
      if (n.charAt(i) > 0x7e || n.charAt(i) <= 0x20) return null; // presented names must already be A-labels
    }
    return n.toLowerCase(Locale.ROOT);
  }

  /**
   * Returns the address bytes of an IPv4 or IPv6 literal (brackets allowed), or null when {@code s} is a name.
   * Never performs a DNS lookup.
   */
  public static byte[] parseIpLiteral(String s) {
    if (s == null || s.isEmpty()) return null;
    String t = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
    if (IPV4.matcher(t).matches()) {
      byte[] b = new byte[4];
      String[] parts = t.split("\\.");
      for (int i = 0; i < 4; i++) {
        int v = Integer.parseInt(parts[i]);
        if (v > 255) return null;
        b[i] = (byte) v;
      }
      return b;
    }
    if (t.indexOf(':') >= 0 && IPV6_CHARACTERS.matcher(t).matches()) {
      try {
        return InetAddress.getByName(t).getAddress(); // a literal with ':' is parsed, never resolved
      } catch (UnknownHostException e) {
        return null;
      }
    }
    return null;
  }

  /** Returns true when {@code s} is an IPv4 or IPv6 literal. */
  public static boolean isIpLiteral(String s) {
    return parseIpLiteral(s) != null;
  }

  private static List<List<?>> subjectAltNames(X509Certificate c) {
    try {
      Collection<List<?>> sans = c.getSubjectAlternativeNames();
      return sans == null ? List.of() : List.copyOf(sans);
    } catch (CertificateParsingException e) {
      return List.of();
    }
  }

  /** Returns the most specific (last) CN of the subject, or null. */
  public static String commonName(X509Certificate c) {
    try {
      LdapName dn = new LdapName(c.getSubjectX500Principal().getName());
      String cn = null;
      for (Rdn rdn : dn.getRdns()) { // getRdns() is ordered from the least specific
        if (rdn.getType().equalsIgnoreCase("CN")) cn = String.valueOf(rdn.getValue());
      }
      return cn;
    } catch (InvalidNameException e) {
      return null;
    }
  }
}
