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

/** {@code tlskit ftp put}: uploads a file. */
@Command(name = "put", mixinStandardHelpOptions = true, description = "Upload a file.")
final class FtpCommandPut implements Callable<Integer> {
  @Mixin FtpCommand.Connection conn;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "LOCAL") Path local;

  @Parameters(index = "1", arity = "0..1", paramLabel = "REMOTE", description = "Default: the local file's name.")
  String remote;

  @Option(names = "--resume", description = "Continue a shorter remote file from its size (REST + STOR).")
  boolean resume;

  @Option(names = "--atomic", description = "Upload to a temporary name next to REMOTE and rename it over REMOTE"
      + " (RNFR/RNTO) only when complete: a failed upload leaves REMOTE untouched. Needs rename and delete rights.")
  boolean atomic;

  @Option(names = "--ascii", description = "ASCII mode (TYPE A): this system's line endings sent as CRLF.")
  boolean ascii;

  @Override
  public Integer call() throws Exception {
    return FtpCommand.run(conn, spec, this::execute);
  }

  private Integer execute() throws Exception {
    if (!Files.isRegularFile(local) || !Files.isReadable(local)) {
      throw new UsageException("not a readable file: " + local);
    }
    if (atomic && resume) {
      throw new UsageException("--atomic and --resume contradict each other: --resume continues REMOTE in place,"
          + " --atomic never writes to REMOTE until the upload is complete");
    }
    FtpCommand.refuseAsciiResume(ascii, resume);
    String target = remote != null ? remote : local.getFileName().toString();
    try (FtpSession s = conn.open(); Progress p = Progress.start("put " + local, conn.global.json)) {
      if (ascii) s.ascii(true);
      TransferResult r = atomic ? s.uploadAtomically(local, target, p) : s.upload(local, target, resume, p);
      p.close();
      if (conn.global.json) {
        Map<String, Object> m = FtpCommand.json(conn, s, r);
        m.put("local", local.toString());
        m.put("atomic", atomic);
        spec.commandLine().getOut().println(JsonWriter.toJson(m));
      } else {
        spec.commandLine().getOut().println(FtpCommand.describe(r) + (atomic ? " (uploaded under a temporary"
            + " name, then renamed)" : ""));
      }
    }
    return ExitCodes.OK;
  }
}
