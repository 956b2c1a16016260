package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.tlskit.CertificateProblem;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.TlsSecurityException.Reason;
import dev.tlskit.ValidationReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Help with examples on every command, the completion script, and advice after errors. */
class HelpAndHintsTest {
  private static String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new String[] {String.valueOf(code), out.toString(), err.toString()};
  }

  private static List<String> commands(CommandLine cl) {
    List<String> names = new ArrayList<>();
    names.add(cl.getCommandSpec().qualifiedName(" "));
    for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
      if (e.getKey().equals("help") || !e.getKey().equals(e.getValue().getCommandName())) continue;
      names.addAll(commands(e.getValue()));
    }
    return names;
  }

  @Test
  void everyCommandsHelpEndsWithExamples() {
    List<String> all = commands(new CommandLine(new Main()));
    assertThat(all).contains("tlskit connect", "tlskit ftp rm", "tlskit completion", "tlskit cert issue");
    for (String command : all) {
      List<String> args = new ArrayList<>(List.of(command.split(" ")).subList(1, command.split(" ").length));
      args.add("--help");
      String[] r = run(args.toArray(String[]::new));
      assertThat(r[0]).as(command).isEqualTo("0");
      assertThat(r[1].split("Examples:", -1)).as("help of '%s' has one Examples section", command).hasSize(2);
      assertThat(r[1]).as("help of '%s' shows an example of itself", command).contains("  " + command);
      assertThat(r[1]).as("help of '%s' has no colour when not on a terminal", command).doesNotContain("\u001b[");
    }
  }

  /**
   * picocli formats every description line with {@link String#format}: a bare '%' (as in "5% of the CPU") makes it
   * warn on standard error and show the line unformatted. Every command's help renders without a warning.
   */
  @Test
  void everyCommandsHelpRendersWithoutPicocliWarnings() {
    List<CommandLine> all = new ArrayList<>();
    collect(new CommandLine(new Main()), all);
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      for (CommandLine cl : all) {
        String help = cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertThat(captured.toString(StandardCharsets.UTF_8))
            .as("standard error while rendering the help of '%s'", cl.getCommandSpec().qualifiedName(" "))
            .doesNotContain("picocli WARN");
        assertThat(help).isNotBlank();
      }
    } finally {
      System.setErr(stderr);
    }
  }

  private static void collect(CommandLine cl, List<CommandLine> into) {
    into.add(cl);
    for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
      if (e.getKey().equals("help") || !e.getKey().equals(e.getValue().getCommandName())) continue;
      collect(e.getValue(), into);
    }
  }

  @Test
  void everyHelpExampleParsesWithTodaysFlags() {
    int checked = 0;
    for (String command : HelpExamples.commands()) {
      List<String> lines = HelpExamples.examples(command);
      for (String example : String.join("\n", lines).replaceAll("\\\\\\n\\s*", "").split("\n")) {
        List<String> args = exampleArgs(example);
        assertThatCode(() -> new CommandLine(new Main()).parseArgs(args.toArray(String[]::new)))
            .as("the example '%s' in the help of '%s'", example, command).doesNotThrowAnyException();
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(30);
  }

  /** Returns the arguments after "tlskit" in a help example: no comment, env prefix, pipe or redirection. */
  private static List<String> exampleArgs(String example) {
    String c = example.split(" {3,}")[0].strip(); // "tlskit demo      offline tour": the comment
    if (c.startsWith("source <(")) c = c.substring("source <(".length(), c.length() - 1);
    if (c.contains("| tlskit ")) c = c.substring(c.indexOf("| tlskit ") + 2);
    c = c.replaceAll(" [|>] .*$", "").replaceAll("^([A-Z0-9_]+=\\S+ )+", "");
    assertThat(c).as("example '%s'", example).startsWith("tlskit ");
    List<String> args = new ArrayList<>();
    Matcher m = Pattern.compile("'([^']*)'|(\\S+)").matcher(c.substring("tlskit ".length()));
    while (m.find()) args.add(m.group(1) != null ? m.group(1) : m.group(2));
    return args;
  }

  @Test
  void examplesComeBeforeAnExistingFooter() {
    String help = run("--help")[1];
    assertThat(help.indexOf("Examples:")).isPositive().isLessThan(help.indexOf("Exit codes:"));
  }

  @Test
  void completionPrintsABashScriptCoveringSubcommandsAndOptions() {
    String[] r = run("completion");
    assertThat(r[0]).isEqualTo("0");
    assertThat(r[1]).contains("complete -F").contains("connect").contains("--starttls").contains("--peer-name")
        .contains("ftp").contains("mkdir");
  }

  @Test
  void networkFailureSuggestsCheckingThePort() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String[] r = run("connect", "127.0.0.1:" + port, "--no-relay", "--timeout", "5");
    assertThat(r[0]).isEqualTo("4");
    assertThat(r[2]).contains("cannot connect").contains("Try: check the host and port");
  }

  @Test
  void hintsNameTheFlagThatFixesEachCertificateProblem() {
    ValidationReport misnamed = new ValidationReport("mail.example.com", List.of(), List.of(),
        List.of(new CertificateProblem.NameMismatch("mail.example.com", List.of("DNS:localhost"))));
    ValidationReport untrusted = new ValidationReport("localhost", List.of(), List.of(),
        List.of(new CertificateProblem.UntrustedIssuer("CN=Somebody")));
    assertThat(ErrorHints.hint(rejected(misnamed))).get().asString().contains("--peer-name");
    assertThat(ErrorHints.hint(rejected(untrusted))).get().asString().contains("--trust");
    assertThat(ErrorHints.hint(new SocketTimeoutException("read timed out"))).get().asString()
        .contains("--timeout");
    assertThat(ErrorHints.hint(new java.io.IOException("wrapped", new ConnectException("refused")))).isPresent();
    assertThat(ErrorHints.hint(new TlsSecurityException(Reason.UPGRADE_NOT_OFFERED, "no STARTTLS"))).get()
        .asString().contains("--tls implicit").contains("'connect' without --starttls");
    assertThat(ErrorHints.hint(new SocketTimeoutException("Connect timed out"))).get().asString()
        .contains("firewall");
  }

  @Test
  void aServerClosingTheHandshakeIsBusyOrRefusingWhenWeGaveNoClientCertificate() {
    for (String m : new String[] {"Broken pipe", "Connection reset"}) {
      assertThat(ErrorHints.hint(new javax.net.ssl.SSLException("handshake", new java.net.SocketException(m))))
          .get().asString().contains("closed the connection during the handshake").contains("busy")
          .doesNotContain("certificate").doesNotContain("--cert");
    }
  }

  @Test
  void alertsRefusingOurClientCertificateNameTheFix() {
    assertThat(ErrorHints.hint(new javax.net.ssl.SSLHandshakeException(
        "(certificate_required) Received fatal alert: certificate_required"))).get().asString().contains("--cert");
    assertThat(ErrorHints.hint(new java.io.IOException("send failed", new javax.net.ssl.SSLHandshakeException(
        "(certificate_unknown) Received fatal alert: certificate_unknown")))).get().asString()
        .contains("did not accept our client certificate").contains("tlskit cert show");
    assertThat(ErrorHints.hint(new java.net.SocketException("Broken pipe"), true)).get().asString()
        .contains("client certificate").contains("--cert/--key");
    assertThat(ErrorHints.hint(new javax.net.ssl.SSLHandshakeException("(handshake_failure) Received fatal alert:"
        + " handshake_failure"))).isEmpty();
  }

  @Test
  void starttlsToASilentServerSuggestsThePlaintextPort() throws Exception {
    // An implicit-TLS port accepts the connection and waits for a ClientHello: to a STARTTLS client, silence.
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String[] r = run("connect", "127.0.0.1:" + silent.getLocalPort(), "--starttls", "smtp", "--no-relay",
          "--timeout", "1");
      assertThat(r[0]).isEqualTo("4");
      assertThat(r[2]).contains("Try: the server accepted the connection but said nothing in time")
          .contains("not an implicit-TLS one (465/993/995/990)").contains("--timeout");
    }
  }

  private static TlsSecurityException rejected(ValidationReport report) {
    return new TlsSecurityException(Reason.CERTIFICATE_REJECTED, "rejected", report, null);
  }
}
