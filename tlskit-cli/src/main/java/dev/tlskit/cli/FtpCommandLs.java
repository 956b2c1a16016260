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

/**
 * {@code tlskit ftp ls}: lists a remote directory (LIST for text; in JSON, parsed entries from MLSD when the server
 * has it, else from LIST).
 */
@Command(name = "ls", mixinStandardHelpOptions = true, description = {"List a remote directory.",
    "Text: the server's LIST lines. --json: parsed entries (name, type, size, modified, linkTarget, mode, owner,"
        + " group) from MLSD when the server offers it, else from LIST (Unix, Windows/IIS, VMS, MVS, OS/400,"
        + " Netware...); a line no parser understands has \"name\": null and its \"raw\" text."})
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
        boolean mlsd = s.features().contains("MLST");
        List<FtpEntry> listed = s.entries(dir); // MLSD when offered, else LIST parsed
        List<Map<String, Object>> entries = new ArrayList<>();
        for (FtpEntry e : listed) entries.add(json(e));
        Map<String, Object> m = FtpCommand.json(conn, s, s.lastTransfer());
        m.put("source", mlsd ? "MLSD" : "LIST");
        m.put("entries", entries);
        if (!mlsd) m.put("lines", listed.stream().map(FtpEntry::raw).toList()); // as before parsing existed
        out.println(JsonWriter.toJson(m));
      } else {
        for (String line : s.list(dir)) out.println(line);
        spec.commandLine().getErr().println(FtpCommand.describe(s.lastTransfer()));
      }
    }
    return ExitCodes.OK;
  }

  private static Map<String, Object> json(FtpEntry e) {
    Map<String, Object> je = new LinkedHashMap<>();
    je.put("name", e.isParsed() ? e.name() : null);
    je.put("type", e.type());
    je.put("size", e.size().isPresent() ? e.size().getAsLong() : null);
    je.put("modified", e.modified().map(Object::toString).orElse(null));
    je.put("linkTarget", e.linkTarget().isEmpty() ? null : e.linkTarget());
    je.put("mode", e.facts().get("unix.mode"));
    je.put("owner", e.facts().getOrDefault("unix.ownername", e.facts().get("unix.owner")));
    je.put("group", e.facts().getOrDefault("unix.groupname", e.facts().get("unix.group")));
    if (!e.isParsed()) je.put("raw", e.raw()); // a line no parser understood, as the server sent it
    return je;
  }
}
