package dev.tlskit.smtp;

/**
 * A mail address that is not an RFC 5321 mailbox ({@code local-part@domain}), refused before anything is sent. The
 * CLI maps it to exit code 2 (usage).
 */
public final class InvalidAddressException extends IllegalArgumentException {
  private final String role;
  private final String address;

  /** Creates the error for {@code address} used as {@code role} ("from", "recipient"), saying {@code why}. */
  public InvalidAddressException(String role, String address, String why) {
    super(role + " is not an RFC 5321 address (" + why + "): " + quote(address));
    this.role = role;
    this.address = address;
  }

  /** Returns what the address was for: "from", "to", "recipient". */
  public String role() {
    return role;
  }

  /** Returns the refused address as given. */
  public String address() {
    return address;
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder("'");
    s.codePoints().forEach(c -> {
      if (c < 0x20 || c == 0x7f) sb.append(String.format("\\x%02x", c));
      else sb.appendCodePoint(c);
    });
    return sb.append('\'').toString();
  }
}
