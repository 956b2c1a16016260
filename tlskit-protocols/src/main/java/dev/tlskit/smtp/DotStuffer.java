package dev.tlskit.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Copies a message into the DATA phase: every line ending becomes CRLF, a line starting with '.' gets a second one
 * (RFC 5321 4.5.2), and the terminating {@code CRLF.CRLF} is written. Without stuffing (for BDAT, RFC 3030, whose
 * chunks are counted, not terminated) it only makes every line ending CRLF and completes the last line.
 */
final class DotStuffer {
  private final OutputStream out;
  private final boolean stuff;
  private boolean lineStart = true;
  private boolean afterCr;

  DotStuffer(OutputStream out) {
    this(out, true);
  }

  DotStuffer(OutputStream out, boolean stuff) {
    this.out = out;
    this.stuff = stuff;
  }

  /** Returns {@code message} with every line ending CRLF and the last line completed (no stuffing). */
  static byte[] canonical(byte[] message) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(message.length + 64);
    DotStuffer c = new DotStuffer(bytes, false);
    try {
      c.write(message, message.length);
      c.finish();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // a byte array does not fail
    }
    return bytes.toByteArray();
  }

  void copy(InputStream in) throws IOException {
    byte[] buf = new byte[8192];
    for (int n; (n = in.read(buf)) > 0; ) write(buf, n);
  }

  void write(byte[] b, int len) throws IOException {
    for (int i = 0; i < len; i++) write(b[i] & 0xff);
  }

  private void write(int b) throws IOException {
    if (b == '\n') {
      if (!afterCr) out.write('\r');
      out.write('\n');
      afterCr = false;
      lineStart = true;
    } else {
      if (afterCr) { // a bare CR ends a line too
        out.write('\n');
        lineStart = true;
      }
      afterCr = b == '\r';
      if (afterCr) {
        out.write('\r');
        return;
      }
      if (stuff && lineStart && b == '.') out.write('.');
      out.write(b);
      lineStart = false;
    }
  }

  /** Ends the message: completes the last line and, when stuffing, writes the lone dot. */
  void finish() throws IOException {
    if (afterCr) out.write('\n');
    else if (!lineStart) out.write("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    if (stuff) out.write(".\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    afterCr = false;
    lineStart = true;
  }
}
