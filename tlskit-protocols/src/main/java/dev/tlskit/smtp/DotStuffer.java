package dev.tlskit.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Copies a message into the DATA phase: every line ending becomes CRLF, a line starting with '.' gets a second one
 * (RFC 5321 4.5.2), and the terminating {@code CRLF.CRLF} is written.
 */
final class DotStuffer {
  private final OutputStream out;
  private boolean lineStart = true;
  private boolean afterCr;

  DotStuffer(OutputStream out) {
    this.out = out;
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
      if (lineStart && b == '.') out.write('.');
      out.write(b);
      lineStart = false;
    }
  }

  /** Ends the message: completes the last line and writes the lone dot. */
  void finish() throws IOException {
    if (afterCr) out.write('\n');
    else if (!lineStart) out.write("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    out.write(".\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    afterCr = false;
    lineStart = true;
  }
}
