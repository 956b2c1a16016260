package dev.tlskit.cli.sink;

import dev.tlskit.ServerConnection;
import dev.tlskit.ServerHandler;
import java.io.EOFException;
import java.io.IOException;

/**
 * Echoes every line back. With {@code starttls}, the connection starts in plaintext and a line reading {@code
 * STARTTLS} upgrades it in place (answered {@code OK begin TLS}), which makes it a minimal test peer for explicit TLS.
 */
public final class EchoHandler implements ServerHandler {
  private static final int MAX_LINE = 64 * 1024;
  private final boolean starttls;

  public EchoHandler(boolean starttls) {
    this.starttls = starttls;
  }

  @Override
  public void handle(ServerConnection c) throws IOException {
    if (starttls) c.writeLine("OK tlskit echo; send STARTTLS to upgrade");
    while (true) {
      String line;
      try {
        line = c.readLine(MAX_LINE);
      } catch (EOFException e) {
        return;
      }
      if (starttls && !c.isTls() && line.strip().equalsIgnoreCase("STARTTLS")) {
        c.upgradeToTls("OK begin TLS");
      } else {
        c.writeLine(line);
      }
    }
  }
}
