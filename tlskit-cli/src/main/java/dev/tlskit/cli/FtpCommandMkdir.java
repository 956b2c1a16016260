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

/** {@code tlskit ftp mkdir}: creates a remote directory. */
@Command(name = "mkdir", mixinStandardHelpOptions = true, description = "Create a remote directory.")
final class FtpCommandMkdir implements Callable<Integer> {
  @Mixin FtpCommand.Connection conn;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "REMOTE") String remote;

  @Override
  public Integer call() throws Exception {
    return FtpCommand.run(conn, spec, this::execute);
  }

  private Integer execute() throws Exception {
    try (FtpSession s = conn.open()) {
      String created = s.mkdir(remote);
      if (conn.global.json) {
        Map<String, Object> m = FtpCommand.json(conn, s, null);
        m.put("created", created);
        spec.commandLine().getOut().println(JsonWriter.toJson(m));
      } else {
        spec.commandLine().getOut().println("created " + created);
      }
    }
    return ExitCodes.OK;
  }
}
