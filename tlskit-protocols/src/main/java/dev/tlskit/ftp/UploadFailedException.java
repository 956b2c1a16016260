package dev.tlskit.ftp;

import java.io.IOException;
import java.util.Optional;

/**
 * Signals that an upload failed, and says what state it left the remote file in. The error that ended the upload is
 * the {@linkplain #getCause() cause} (a {@link dev.tlskit.ProtocolException} for a server refusal, a {@link
 * dev.tlskit.TlsSecurityException} for a refused data connection handshake, another {@link IOException} for a network
 * failure); the command line's exit code follows the cause.
 */
public final class UploadFailedException extends IOException {
  /** What an upload failure left at the remote path. */
  public enum RemoteFile {
    /**
     * Untouched: the destructive command (STOR, APPE, RNTO) was never sent, or the server refused it before any data
     * (a negative reply instead of 150).
     */
    UNTOUCHED,
    /**
     * STOR or APPE was accepted and the upload did not complete: the server may have truncated the file, kept part of
     * the upload, or appended part of it. {@link #sizeAfter()} tells what the server reported afterwards.
     */
    PARTIALLY_WRITTEN,
    /** The rename of a complete atomic upload was sent but its reply was lost: either untouched or replaced. */
    UNTOUCHED_OR_REPLACED
  }

  private final String remotePath;
  private final RemoteFile state;
  private final long sizeBefore;
  private final long sizeAfter;
  private final String temporaryPath;

  UploadFailedException(String remotePath, RemoteFile state, long sizeBefore, long sizeAfter, String temporaryPath,
      String detail, Throwable cause) {
    super(message(cause, remotePath, state, sizeBefore, sizeAfter, detail), cause);
    this.remotePath = remotePath;
    this.state = state;
    this.sizeBefore = sizeBefore;
    this.sizeAfter = sizeAfter;
    this.temporaryPath = temporaryPath;
  }

  /** Returns the remote path the upload was for (the final name, also for an atomic upload). */
  public String remotePath() {
    return remotePath;
  }

  /** Returns what the failure left at {@link #remotePath()}. */
  public RemoteFile remoteFile() {
    return state;
  }

  /** Returns the size the server reported (SIZE) before the upload, or -1 when unknown or there was no file. */
  public long sizeBefore() {
    return sizeBefore;
  }

  /** Returns the size the server reported (SIZE) after the failure, or -1 when unknown or there is no file. */
  public long sizeAfter() {
    return sizeAfter;
  }

  /** Returns the temporary name of an atomic upload when it may still exist on the server (its deletion failed). */
  public Optional<String> temporaryPath() {
    return Optional.ofNullable(temporaryPath);
  }

  private static String message(Throwable cause, String path, RemoteFile state, long before, long after,
      String detail) {
    String why = cause == null || cause.getMessage() == null ? String.valueOf(cause) : cause.getMessage();
    String what = switch (state) {
      case UNTOUCHED -> "the remote file " + path + " is untouched";
      case PARTIALLY_WRITTEN -> "the remote file " + path + " may be truncated or partially written"
          + (after >= 0 ? " (the server now reports " + after + " bytes" : " (its size is now unknown")
          + (before >= 0 ? ", " + before + " before the upload)" : ")");
      case UNTOUCHED_OR_REPLACED -> "the remote file " + path + " is either untouched or replaced (the rename's reply"
          + " was lost)";
    };
    return why + "; " + what + (detail == null ? "" : "; " + detail);
  }
}
