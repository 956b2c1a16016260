package dev.tlskit.smtp;

import dev.tlskit.ProtocolException;

/**
 * The message is larger than the limit the server announced with {@code SIZE} (RFC 1870); raised before MAIL FROM,
 * so nothing was sent.
 */
public final class MessageTooLargeException extends ProtocolException {
  private final long size;
  private final long limit;

  MessageTooLargeException(long size, long limit) {
    super("message of " + size + " bytes is larger than the server's SIZE limit of " + limit + " bytes");
    this.size = size;
    this.limit = limit;
  }

  /** Returns the message's size in bytes, as it would be sent. */
  public long size() {
    return size;
  }

  /** Returns the server's announced limit in bytes. */
  public long limit() {
    return limit;
  }
}
