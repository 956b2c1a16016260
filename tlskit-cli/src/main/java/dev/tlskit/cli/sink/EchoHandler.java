package dev.tlskit.cli.sink;

import dev.tlskit.ServerConnection;
import dev.tlskit.ServerHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Sends back every byte it receives, exactly as received (binary-safe: no line-ending conversion, any byte value).
 * With {@code starttls}, the connection starts in plaintext and a line reading {@code STARTTLS} upgrades it in place
 * (answered {@code OK begin TLS}, the line itself not echoed), which makes it a minimal test peer for explicit TLS.
 */
public final class EchoHandler implements ServerHandler {
  /** The longest plaintext line that is checked for STARTTLS; longer ones are echoed in chunks of this size. */
  private static final int MAX_LINE = 64 * 1024;
  private final boolean starttls;

  public EchoHandler(boolean starttls) {
    this.starttls = starttls;
  }

  @Override
  public void handle(ServerConnection c) throws IOException {
    if (starttls) {
      c.writeLine("OK tlskit echo; send STARTTLS to upgrade");
      if (!plaintextUntilStarttls(c)) return;
    }
    copy(c.input(), c.output());
  }

  /**
   * Echoes plaintext lines until one reads STARTTLS, then upgrades; returns false when the client closed first. Reads
   * byte by byte from the connection's buffer so that bytes after the STARTTLS line stay there, where the upgrade's
   * injection check sees them.
   */
  private static boolean plaintextUntilStarttls(ServerConnection c) throws IOException {
    InputStream in = c.input();
    OutputStream out = c.output();
    ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    boolean lineStart = true; // the chunk being read began at the start of a line
    while (true) {
      int b = in.read();
      if (b < 0) {
        line.writeTo(out);
        out.flush();
        return false;
      }
      line.write(b);
      if (b != '\n' && line.size() < MAX_LINE) continue;
      if (lineStart && b == '\n' && isStarttls(line.toByteArray())) {
        c.upgradeToTls("OK begin TLS");
        return true;
      }
      line.writeTo(out);
      if (in.available() == 0) out.flush(); // one flush per burst the client sent, not per line
      lineStart = b == '\n';
      line.reset();
    }
  }

  private static boolean isStarttls(byte[] line) {
    return new String(line, StandardCharsets.ISO_8859_1).strip().equalsIgnoreCase("STARTTLS");
  }

  private static void copy(InputStream in, OutputStream out) throws IOException {
    byte[] buf = new byte[16 * 1024];
    int n;
    while ((n = in.read(buf)) >= 0) {
      out.write(buf, 0, n);
      if (in.available() == 0) out.flush();
    }
    out.flush();
  }
}
