package dev.tlskit.internal.ftp;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.commons.net.io.FromNetASCIIOutputStream;
import org.apache.commons.net.io.ToNetASCIIOutputStream;

/**
 * Line-ending conversion of ASCII-mode transfers ({@code TYPE A}, RFC 959 section 3.1.1.1), with Commons Net's
 * NETASCII streams: CRLF on the wire, this system's line separator on disk. Both streams convert byte by byte, so each
 * writes through a buffer.
 */
public final class AsciiStreams {
  private static final int BUFFER = 64 * 1024;

  private AsciiStreams() {}

  /**
   * Returns a stream that writes received ASCII data into {@code sink} with CRLF turned into the local line separator.
   * Closing it writes a CR held back at the end and flushes {@code sink}, which stays open.
   */
  public static OutputStream fromNetwork(OutputStream sink) {
    return new FromNetASCIIOutputStream(new BufferedOutputStream(new FilterOutputStream(sink) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        flush(); // the caller's stream is not ours to close
      }
    }, BUFFER));
  }

  /**
   * Returns a stream that writes local text to the data connection {@code out} with each LF not already preceded by CR
   * sent as CRLF. Flushing it flushes {@code out}; closing it closes {@code out}.
   */
  public static OutputStream toNetwork(OutputStream out) {
    return new ToNetASCIIOutputStream(new BufferedOutputStream(out, BUFFER));
  }
}
