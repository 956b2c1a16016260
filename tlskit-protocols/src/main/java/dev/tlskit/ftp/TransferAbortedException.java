package dev.tlskit.ftp;

import java.io.IOException;
import java.util.List;

/**
 * Signals that a transfer was stopped by {@link FtpSession#abort()}: the data connection was cut and {@code ABOR}
 * sent. The control connection stays in step and usable. An aborted upload is reported as an {@link
 * UploadFailedException} (the remote file may be partially written) with this as its cause.
 */
public final class TransferAbortedException extends IOException {
  private final long bytes;
  private final transient List<FtpReply> replies;

  TransferAbortedException(String message, long bytes, List<FtpReply> replies, Throwable cause) {
    super(message, cause);
    this.bytes = bytes;
    this.replies = List.copyOf(replies);
  }

  /** Returns the bytes moved over the data connection before the abort. */
  public long bytes() {
    return bytes;
  }

  /**
   * Returns the server's replies after the abort, in the order received: the transfer's end (426 or 451 when it
   * noticed, 226 when it had finished) and the answer to ABOR (225 or 226), or the answer to ABOR alone (225).
   * Servers differ in which comes first (ProFTPD, answering ABOR during the transfer, may send its 226 before the
   * 426). Empty when the connection failed before any reply.
   */
  public List<FtpReply> replies() {
    return replies;
  }
}
