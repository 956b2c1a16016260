package dev.tlskit.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tlskit} command: secure sockets from the command line. */
@Command(name = "tlskit", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "TLS and STARTTLS clients, servers and certificates.",
    subcommands = {
        DemoCommand.class,
        ConnectCommand.class,
        ProbeCommand.class,
        ServeCommand.class,
        CertCommand.class,
        SmtpCommand.class,
        ImapCommand.class,
        Pop3Command.class,
        FtpCommand.class,
        BenchCommand.class,
        CompletionCommand.class,
        CommandLine.HelpCommand.class},
    footerHeading = "%nExit codes:%n",
    footer = {
        "  0  ok", "  1  server or protocol refusal", "  2  usage error or unusable local file",
        "  3  security failure (handshake or certificate rejected,",
        "     STARTTLS absent or refused, injection detected)",
        "  4  network error or timeout"})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line and returns its exit code; used by tests to drive it in-process. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    HelpExamples.install(cl);
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("tlskit: " + message(e));
      ErrorHints.print(cmd.getErr(), e, clientCertificateGiven(cmd));
      return ExitCodes.of(e);
    });
    cl.setParameterExceptionHandler((e, a) -> {
      e.getCommandLine().getErr().println("tlskit: " + e.getMessage());
      e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName()
          + " --help' for usage.");
      return ExitCodes.USAGE;
    });
    return cl.execute(args);
  }

  /** Returns true when the failing command, a client one, was given a client certificate (--cert). */
  private static boolean clientCertificateGiven(CommandLine cmd) {
    for (CommandLine c = cmd; c != null; c = c.getParent()) {
      if (c.getCommand() instanceof ServeCommand) return false; // its --cert is the server's own
      if (c.getParseResult() != null && c.getParseResult().hasMatchedOption("--cert")) return true;
    }
    return false;
  }

  static String message(Throwable e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
        if (in != null) p.load(in);
      }
      return new String[] {
          "tlskit " + p.getProperty("version", "unknown"),
          "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
    }
  }
}
