package dev.tlskit.cli;

import dev.tlskit.ftp.FtpEntry;
import dev.tlskit.ftp.FtpSession;
import dev.tlskit.internal.json.JsonWriter;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tlskit ftp ls}: lists a remote directory (LIST for text; MLSD entries in JSON when the server has it). */
@Command(name = "ls", mixinStandardHelpOptions = true, description = "List a remote directory.")
final class FtpCommandLs implements Callable<Integer> {
  @Mixin FtpCommand.Connection conn;
  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "REMOTE_DIR", description = "Directory (default: login dir).")
  String dir;

  @Override
  public Integer call() throws Exception {
    return FtpCommand.run(conn, spec, this::execute);
  }

  private Integer execute() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (FtpSession s = conn.open()) {
      if (conn.global.json) {
        Map<String, Object> m;
        if (s.features().contains("MLST")) {
          List<Map<String, Object>> entries = new ArrayList<>();
          for (FtpEntry e : s.mlsd(dir)) {
            Map<String, Object> je = new LinkedHashMap<>();
            je.put("name", e.name());
            je.put("type", e.type());
            je.put("size", e.size().isPresent() ? e.size().getAsLong() : null);
            je.put("modified", e.modified().map(Object::toString).orElse(null));
            entries.add(je);
          }
          m = FtpCommand.json(conn, s, s.lastTransfer());
          m.put("entries", entries);
        } else {
          List<String> lines = s.list(dir);
          m = FtpCommand.json(conn, s, s.lastTransfer());
          m.put("lines", lines);
        }
        out.println(JsonWriter.toJson(m));
      } else {
        for (String line : s.list(dir)) out.println(line);
        spec.commandLine().getErr().println(FtpCommand.describe(s.lastTransfer()));
      }
    }
    return ExitCodes.OK;
  }
}
