package dev.tlskit.ftp;

import java.io.IOException;

/**
 * Signals that a transfer was stopped by {@link FtpSession#abort()}: the data connection was cut and {@code ABOR}
 * sent. The control connection stays in step and usable. An aborted upload is reported as an {@link
 * UploadFailedException} (the remote file may be partially written) with this as its cause.
 */
public final class TransferAbortedException extends IOException {
  private final long bytes;
  private final transient FtpReply transferReply;
  private final transient FtpReply aborReply;

  TransferAbortedException(String message, long bytes, FtpReply transferReply, FtpReply aborReply,
      Throwable cause) {
    super(message, cause);
    this.bytes = bytes;
    this.transferReply = transferReply;
    this.aborReply = aborReply;
  }

  /** Returns the bytes moved over the data connection before the abort. */
  public long bytes() {
    return bytes;
  }

  /**
   * Returns the server's reply ending the transfer (426 or 451 when it noticed the abort, 226 when the transfer had
   * already ended), or null when the server sent only the reply to ABOR.
   */
  public FtpReply transferReply() {
    return transferReply;
  }

  /** Returns the server's reply to {@code ABOR} (225 or 226), or null when none came. */
  public FtpReply aborReply() {
    return aborReply;
  }
}
