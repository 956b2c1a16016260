package dev.tlskit.cli;

import dev.tlskit.ftp.FtpSession;
import dev.tlskit.ftp.TransferResult;
import dev.tlskit.internal.json.JsonWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tlskit ftp get}: downloads a file through LOCAL.part, renamed when complete. */
@Command(name = "get", mixinStandardHelpOptions = true,
    description = "Download a file (written to LOCAL.part, renamed to LOCAL when complete).")
final class FtpCommandGet implements Callable<Integer> {
  @Mixin FtpCommand.Connection conn;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "REMOTE") String remote;

  @Parameters(index = "1", arity = "0..1", paramLabel = "LOCAL",
      description = "Default: the remote file's name; in LOCAL when LOCAL is a directory.")
  Path local;

  @Option(names = "--resume", description = "Continue LOCAL.part left by an interrupted download (REST).")
  boolean resume;

  @Option(names = "--ascii", description = "ASCII mode (TYPE A): the wire's CRLF written as this system's line ending.")
  boolean ascii;

  @Override
  public Integer call() throws Exception {
    return FtpCommand.run(conn, spec, this::execute);
  }

  private Integer execute() throws Exception {
    FtpCommand.refuseAsciiResume(ascii, resume);
    Path target = local == null ? Path.of(baseName(remote))
        : Files.isDirectory(local) ? local.resolve(baseName(remote)) : local; // never replace a directory
    try (FtpSession s = conn.open(); Progress p = Progress.start("get " + remote, conn.global.json)) {
      if (ascii) s.ascii(true);
      TransferResult r = s.download(remote, target, resume, p);
      p.close();
      if (conn.global.json) {
        Map<String, Object> m = FtpCommand.json(conn, s, r);
        m.put("local", target.toString());
        spec.commandLine().getOut().println(JsonWriter.toJson(m));
      } else {
        spec.commandLine().getOut().println(FtpCommand.describe(r) + " -> " + target);
      }
    }
    return ExitCodes.OK;
  }

  static String baseName(String path) {
    String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    String name = p.substring(p.lastIndexOf('/') + 1);
    if (name.isEmpty() || name.equals(".") || name.equals("..")) {
      throw new UsageException("cannot derive a local file name from " + path + "; give LOCAL");
    }
    return name;
  }
}
