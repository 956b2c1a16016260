package dev.tlskit.imap;

import java.util.List;

/**
 * What a command sent with {@link ImapClient#command} got back: its tagged completion (OK, NO or BAD) and the
 * untagged responses that came before it. Server text, untrusted.
 */
public record ImapCommandResult(ImapResponse tagged, List<ImapResponse> untagged) {
  public ImapCommandResult {
    untagged = List.copyOf(untagged);
  }

  /** Returns true when the command completed with OK. */
  public boolean ok() {
    return tagged.type().equals("OK");
  }
}
