package dev.tlskit.cli;

import dev.tlskit.ProxyException;
import dev.tlskit.TlsPolicy;
import dev.tlskit.probe.MalformedTlsException;
import dev.tlskit.probe.ProbeJson;
import dev.tlskit.probe.ProbeReport;
import dev.tlskit.probe.ProbeText;
import dev.tlskit.probe.Prober;
import dev.tlskit.probe.Starttls;
import dev.tlskit.probe.Target;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tlskit probe}: what a TLS or STARTTLS endpoint accepts, and what is wrong with it. */
@Command(name = "probe", mixinStandardHelpOptions = true,
    description = "Probe a TLS or STARTTLS endpoint: protocol versions (TLS 1.0-1.3, each alone), cipher suites per"
        + " version and whether the server enforces its order, key-exchange groups, ALPN, session resumption, OCSP"
        + " stapling, the certificate chain judged against the chosen roots, and for STARTTLS the capabilities"
        + " before and after the upgrade. Prints findings with severities and a verdict (JSON schema: docs/probe.md).",
    footerHeading = "%nExamples:%n",
    footer = {
        "  tlskit probe example.com:443",
        "  tlskit probe mail.example.com --starttls smtp          (port 25 by default)",
        "  tlskit probe 10.0.0.5:143 --starttls imap --peer-name imap.example.com \\",
        "      --trust corp-roots.pem --json",
        "",
        "Exit codes:",
        "  0  verdict GOOD or WEAK (no finding worse than MEDIUM)",
        "  1  no TLS version accepted, or the port does not speak TLS, or INCOMPLETE: the server kept",
        "     refusing as busy (SMTP/FTP 4xx, IMAP * BYE, POP3 -ERR) after paced retries",
        "     or the --proxy refused the tunnel",
        "  2  usage error",
        "  3  verdict BAD (a HIGH or CRITICAL finding: untrusted, expired or misnamed certificate, TLS 1.0/1.1,",
        "     broken suites, ...), or STARTTLS not offered or refused",
        "  4  unreachable (directly or behind the --proxy) or timed out, or INCOMPLETE: connections kept",
        "     failing mid-probe"})
final class ProbeCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin GlobalOptions global;

  @Parameters(paramLabel = "HOST[:PORT]",
      description = "Endpoint to probe; the port defaults to 443, or the protocol's port with --starttls.")
  String address;

  @Option(names = "--starttls", paramLabel = "PROTO",
      description = "Speak smtp, imap, pop3 or ftp and upgrade with STARTTLS/STLS/AUTH TLS before every handshake.")
  String starttls;

  @Option(names = "--alpn", paramLabel = "PROTO", split = ",", defaultValue = "h2,http/1.1",
      description = "ALPN protocols to try, each alone and all together (default: ${DEFAULT-VALUE}).")
  List<String> alpn;

  @Option(names = "--max-handshakes", paramLabel = "N", defaultValue = "" + Prober.DEFAULT_MAX_HANDSHAKES,
      description = "Stop after this many handshakes (default: ${DEFAULT-VALUE}).")
  int maxHandshakes;

  @Option(names = "--max-time", paramLabel = "SECONDS", defaultValue = "300",
      description = "Stop after this long (default: ${DEFAULT-VALUE}).")
  int maxSeconds;

  @Override
  public Integer call() throws IOException {
    Starttls proto;
    try {
      proto = starttls == null ? null : Starttls.parse(starttls);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    Target target = target(proto);
    // The same trust reading as every network command (--trust, --trust-password-env); a client certificate given
    // with --cert is loaded and checked but never presented: the probe does not authenticate itself.
    if (!"jdk".equalsIgnoreCase(global.provider)) {
      throw new UsageException("--provider " + global.provider + ": tlskit probe writes its own ClientHellos and"
          + " runs its handshakes with the JDK's engine; drop --provider");
    }
    TlsPolicy policy = ClientOptions.policy(global).build();
    if (maxHandshakes < 10) throw new UsageException("--max-handshakes must be at least 10: " + maxHandshakes);
    if (maxSeconds < 1) throw new UsageException("--max-time must be positive: " + maxSeconds);
    PrintWriter out = spec.commandLine().getOut();
    // Progress goes to stderr, and only to a terminal when text was asked for: never into JSON or a pipe.
    PrintWriter err = spec.commandLine().getErr();
    boolean showProgress = !global.json && Progress.isTerminal();
    Prober prober = new Prober(target, policy, maxHandshakes,
        Duration.ofSeconds(maxSeconds), alpn, showProgress ? step -> {
          err.print("\rprobing " + target.address() + ": " + step + "\u001b[K");
          err.flush();
        } : null);
    ProbeReport report;
    try {
      report = prober.run();
    } catch (IOException e) {
      if (showProgress) err.print("\r\u001b[K");
      String verdict;
      int code;
      if (e instanceof Starttls.StarttlsException) {
        verdict = "STARTTLS_FAILED";
        code = ExitCodes.SECURITY;
      } else if (e instanceof ProxyException) {
        verdict = "PROXY_REFUSED";
        code = ExitCodes.of(e);
      } else if (e instanceof MalformedTlsException) {
        verdict = "NOT_TLS";
        code = ExitCodes.REFUSED;
      } else {
        verdict = "UNREACHABLE";
        code = ExitCodes.NETWORK;
      }
      String message = "cannot probe " + target.address() + ": " + Main.message(e);
      if (global.json) out.println(ProbeJson.errorJson(target, verdict, message));
      else err.println("tlskit: " + message);
      return code;
    }
    if (showProgress) err.print("\r\u001b[K");
    err.flush();
    out.print(global.json ? ProbeJson.toJson(report) + "\n" : ProbeText.render(report));
    out.flush();
    return exitCode(report);
  }

  /** Returns the exit code for a finished probe's verdict. */
  static int exitCode(ProbeReport report) {
    return switch (report.verdict()) {
      case GOOD, WEAK -> ExitCodes.OK;
      case BAD -> ExitCodes.SECURITY;
      case NO_TLS -> ExitCodes.REFUSED;
      // a server that kept refusing is no security judgement: 1 when it said so, 4 when connections failed
      case INCOMPLETE -> report.incomplete().cause() == ProbeReport.Incomplete.Cause.NETWORK
          ? ExitCodes.NETWORK : ExitCodes.REFUSED;
    };
  }

  private Target target(Starttls proto) {
    String host = address;
    int port = defaultPort(proto);
    int colon = address.lastIndexOf(':');
    boolean bareIpv6 = address.indexOf(':') != colon && !address.startsWith("[");
    if (colon > 0 && !bareIpv6 && (!address.startsWith("[") || address.charAt(colon - 1) == ']')) {
      host = address.substring(0, colon);
      try {
        port = Integer.parseInt(address.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new UsageException("port must be a number: " + address);
      }
    }
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
    if (host.isEmpty()) throw new UsageException("no host in " + address);
    if (port < 1 || port > 65535) throw new UsageException("port out of range: " + address);
    if (global.timeoutSeconds < 1) throw new UsageException("--timeout must be positive: " + global.timeoutSeconds);
    return new Target(host, port, ClientOptions.peerName(global, host), proto,
        Duration.ofSeconds(global.timeoutSeconds), ClientOptions.proxy(global));
  }

  private static int defaultPort(Starttls proto) {
    return proto == null ? 443 : proto.defaultPort();
  }
}
