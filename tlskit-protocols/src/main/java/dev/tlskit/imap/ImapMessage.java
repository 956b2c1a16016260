package dev.tlskit.imap;

import java.util.List;

/**
 * A message as FETCH returned it. Parts not asked for are null ({@code envelope}, {@code body}) or -1 ({@code size}).
 */
public record ImapMessage(long sequence, long uid, List<String> flags, long size, Envelope envelope, byte[] body) {
  public ImapMessage {
    flags = flags == null ? List.of() : List.copyOf(flags);
  }
}
