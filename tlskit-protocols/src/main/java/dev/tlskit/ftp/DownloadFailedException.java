package dev.tlskit.ftp;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Signals that a download to a file ({@link FtpSession#download}) failed, and says what it left on this side. The
 * local file is never written before the download is complete, so it is always as it was; what was received is kept
 * in the {@code .part} file beside it, which {@code download} with {@code resume} continues. The error that ended the
 * download is the {@linkplain #getCause() cause} (a {@link dev.tlskit.ProtocolException} for a server refusal, a
 * {@link dev.tlskit.TlsSecurityException} for a refused or truncated data connection, another {@link IOException} for
 * a network failure); the command line's exit code follows the cause.
 */
public final class DownloadFailedException extends IOException {
  private final String remotePath;
  private final Path localFile;
  private final Path partFile;
  private final long bytesKept;
  private final boolean complete;

  DownloadFailedException(String remotePath, Path localFile, Path partFile, long bytesKept, boolean complete,
      IOException cause) {
    super(message(cause, localFile, partFile, bytesKept, complete), cause);
    this.remotePath = remotePath;
    this.localFile = localFile;
    this.partFile = partFile;
    this.bytesKept = bytesKept;
    this.complete = complete;
  }

  /** Returns the remote path the download was for. */
  public String remotePath() {
    return remotePath;
  }

  /** Returns the local file the download was for: untouched (an existing one as it was, a missing one not created). */
  public Path localFile() {
    return localFile;
  }

  /**
   * Returns the {@code .part} file holding what was received, when one is left: the first {@link #bytesKept()} bytes
   * of the remote file (or all of it, when {@link #isComplete()}). Empty when nothing was kept.
   */
  public Optional<Path> partFile() {
    return bytesKept > 0 ? Optional.of(partFile) : Optional.empty();
  }

  /** Returns how many bytes the {@code .part} file holds, 0 when none is left, or -1 when its size is unknown. */
  public long bytesKept() {
    return bytesKept;
  }

  /**
   * True when the server confirmed the complete download and only the last step, renaming the {@code .part} file to
   * the local file, failed: the whole file is in {@link #partFile()}.
   */
  public boolean isComplete() {
    return complete;
  }

  private static String message(IOException cause, Path local, Path part, long kept, boolean complete) {
    String why = cause.getMessage() == null ? String.valueOf(cause) : cause.getMessage();
    String what;
    if (complete) {
      what = "the download is complete in " + part + " but could not be renamed to " + local + ", which is untouched";
    } else if (kept > 0) {
      what = local + " is untouched; " + part + " keeps the first " + kept + " bytes received (a resumed download"
          + " continues from there)";
    } else if (kept == 0) {
      what = local + " is untouched; nothing was received";
    } else {
      what = local + " is untouched; " + part + " may hold part of the file";
    }
    return why + "; " + what;
  }
}
