package dev.tlskit.cli;

import dev.tlskit.ftp.FtpSession;
import dev.tlskit.internal.json.JsonWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tlskit ftp rm}: deletes a remote file. */
@Command(name = "rm", mixinStandardHelpOptions = true, description = "Delete a remote file.")
final class FtpCommandRm implements Callable<Integer> {
  @Mixin FtpCommand.Connection conn;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "REMOTE") String remote;

  @Override
  public Integer call() throws Exception {
    return FtpCommand.run(conn, spec, this::execute);
  }

  private Integer execute() throws Exception {
    try (FtpSession s = conn.open()) {
      s.delete(remote);
      if (conn.global.json) {
        Map<String, Object> m = FtpCommand.json(conn, s, null);
        m.put("deleted", remote);
        spec.commandLine().getOut().println(JsonWriter.toJson(m));
      } else {
        spec.commandLine().getOut().println("deleted " + remote);
      }
    }
    return ExitCodes.OK;
  }
}
