package dev.tlskit.ftp;

import java.time.Duration;

/**
 * Describes one completed data transfer (a listing or a file).
 *
 * @param command the FTP command (RETR, STOR, APPE, LIST, MLSD, NLST)
 * @param path the remote path, or "" for the current directory
 * @param offset the restart offset the transfer began at (REST), 0 when from the start
 * @param bytes bytes moved over the data connection
 * @param elapsed time from opening the data connection to the server's final reply
 * @param protection how the data connection was protected
 */
public record TransferResult(String command, String path, long offset, long bytes, Duration elapsed,
    DataProtection protection) {

  /** Returns the throughput in bytes per second, 0 for instant transfers. */
  public double bytesPerSecond() {
    long nanos = elapsed.toNanos();
    return nanos == 0 ? 0 : bytes * 1e9 / nanos;
  }
}
