package dev.tlskit.testpeer;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Decides what happens when a real peer binary is missing: fail under -Dtlskit.requirePeers=true, else skip. */
public final class Peers {
  private Peers() {}

  /** Skips (or fails) the calling test unless {@code binary} exists. */
  public static void require(String name, String binary) {
    boolean present = Files.isExecutable(Path.of(binary));
    if (!present && Boolean.getBoolean("tlskit.requirePeers")) {
      throw new AssertionError(name + " (" + binary + ") is required (-Dtlskit.requirePeers=true) but missing;"
          + " run scripts/install-peers");
    }
    Assumptions.assumeTrue(present, name + " is not installed (" + binary + "); run scripts/install-peers");
  }
}
