package dev.tlskit.ftp;

/** Receives transfer progress; called on the transferring thread after each buffer, so keep it quick. */
@FunctionalInterface
public interface TransferListener {
  /** Does nothing. */
  TransferListener NONE = (done, total) -> { };

  /**
   * Reports progress.
   *
   * @param transferred bytes of the file present at the destination so far, a resumed offset included
   * @param total the file's full size, or -1 when unknown
   */
  void progress(long transferred, long total);
}
