package dev.tlskit.imap;

import java.util.List;

/**
 * The ENVELOPE of a message (RFC 9051 section 7.5.2). The subject is decoded from RFC 2047 encoded words. Absent
 * fields are null or empty lists.
 */
public record Envelope(String date, String subject, List<Address> from, List<Address> to, List<Address> cc,
    String messageId) {
  public Envelope {
    from = List.copyOf(from);
    to = List.copyOf(to);
    cc = List.copyOf(cc);
  }

  /** One address of an envelope. */
  public record Address(String name, String mailbox, String host) {
    /** Returns {@code mailbox@host}. */
    public String email() {
      return host == null ? String.valueOf(mailbox) : mailbox + "@" + host;
    }

    /** Returns {@code Name <mailbox@host>}, or just the address when there is no name. */
    @Override
    public String toString() {
      return name == null || name.isEmpty() ? email() : name + " <" + email() + ">";
    }
  }
}
