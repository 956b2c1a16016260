package dev.tlskit.cli;

import dev.tlskit.certs.TicketKeyFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tlskit cert ticket-keys}: makes or rotates a session-ticket key file shared by a server fleet. */
@Command(name = "ticket-keys", mixinStandardHelpOptions = true,
    description = "Make a session-ticket key file (mode 0600) for 'tlskit serve --session-ticket-keys', shared by "
        + "every instance behind one load balancer; --rotate puts a new key first (it encrypts from now on) and keeps "
        + "the newest --keep keys (the older ones still decrypt). Servers re-read the file within a second.")
final class CertTicketKeysCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The key file to make or rotate.")
  Path out;

  @Option(names = "--rotate",
      description = "Put a new key first in an existing FILE and drop the oldest beyond --keep. Without it an "
          + "existing FILE is left alone (exit 2).")
  boolean rotate;

  @Option(names = "--keep", paramLabel = "N", defaultValue = "3",
      description = "Keys kept in the file, newest first (default: ${DEFAULT-VALUE}): a ticket stays resumable for "
          + "N-1 rotations after its key stopped encrypting.")
  int keep;

  @Override
  public Integer call() throws IOException {
    if (keep < 1 || keep > 100) throw new UsageException("--keep must be between 1 and 100: " + keep);
    boolean exists = Files.exists(out);
    if (exists && !rotate) {
      throw new UsageException(out + " exists; --rotate puts a new key first in it (the others keep decrypting)");
    }
    if (!exists && rotate) {
      throw new UsageException(out + " does not exist; make it first without --rotate");
    }
    List<TicketKeyFile.Key> keys = TicketKeyFile.rotate(out, keep); // an unusable FILE: CertificateFileException, 2
    PrintWriter o = spec.commandLine().getOut();
    o.printf("%s %s (mode 0600): %d key%s, newest first; %s encrypts new tickets%n", exists ? "Rotated" : "Created",
        out, keys.size(), keys.size() == 1 ? "" : "s", keys.get(0).id());
    o.printf("Next: tlskit serve --session-ticket-keys %s ... on every instance; rotate with: tlskit cert "
        + "ticket-keys --out %s --rotate%n", out, out);
    o.flush();
    return ExitCodes.OK;
  }
}
