package dev.tlskit.testpeer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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

  /** Stops a peer process: asks it to end (SIGTERM), and kills it when it has not within 5 s. */
  public static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
