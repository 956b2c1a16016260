package dev.tlskit.imap;

import java.util.List;

/**
 * What SELECT or EXAMINE reported about a mailbox. Numbers the server did not send are -1.
 */
public record MailboxInfo(String name, long exists, long recent, long uidValidity, long uidNext, List<String> flags,
    boolean readOnly) {
  public MailboxInfo {
    flags = List.copyOf(flags);
  }
}
