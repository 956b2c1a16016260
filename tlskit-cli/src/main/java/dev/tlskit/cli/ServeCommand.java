package dev.tlskit.cli;

import dev.tlskit.PeerIdentity;
import dev.tlskit.SecurityInfo;
import dev.tlskit.ServerCertificates;
import dev.tlskit.ServerConnection;
import dev.tlskit.ServerHandler;
import dev.tlskit.ServerListener;
import dev.tlskit.ServerMetrics;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsServer;
import dev.tlskit.Trust;
import dev.tlskit.cli.sink.EchoHandler;
import dev.tlskit.cli.sink.SmtpSink;
import dev.tlskit.cli.sink.Spool;
import dev.tlskit.internal.json.JsonWriter;
import dev.tlskit.nativetls.NativeTicketKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tlskit serve}: a local TLS or STARTTLS test endpoint speaking echo or a minimal SMTP sink. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {
        "Run a local TLS test server: 'echo' sends back every byte it receives, unchanged; 'smtp' is an SMTP sink that spools messages as .eml.",
        "Implicit TLS by default; --starttls starts in plaintext and offers STARTTLS (which 'openssl s_server' "
            + "cannot). --cert/--key are the server's certificate and key here. Binds 127.0.0.1 unless --listen "
            + "says otherwise. Prints one line per connection with its TLS details. Stop with Ctrl-C."})
final class ServeCommand implements java.util.concurrent.Callable<Integer> {
  enum Protocol { echo, smtp }

  enum Auth { none, want, need }

  @Spec picocli.CommandLine.Model.CommandSpec spec;
  // The shared flag names (GlobalOptions), with their server-side meaning.
  @Option(names = "--cert", paramLabel = "FILE",
      description = "Server certificate: PEM chain (with --key) or PKCS#12 (with --cert-password-env).")
  Path cert;

  @Option(names = "--key", paramLabel = "FILE",
      description = "PEM private key for --cert (PKCS#8, PKCS#1, SEC1; encrypted with --cert-password-env).")
  Path key;

  @Option(names = "--cert-password-env", paramLabel = "VAR",
      description = "Environment variable holding the password of --cert (PKCS#12) or --key (encrypted PEM).")
  String certPasswordEnv;

  @Option(names = "--trust", paramLabel = "FILE",
      description = "PEM bundle or PKCS#12 trust store of the CAs whose client certificates are accepted.")
  Path trust;

  // The defaults are the library's (TlsServer.Builder), so that `tlskit serve` behaves as a server built with it.
  @Option(names = "--timeout", paramLabel = "SECONDS",
      defaultValue = "" + TlsServer.Builder.DEFAULT_HANDSHAKE_TIMEOUT_SECONDS,
      description = "Time a client has to finish its TLS handshake, however it paces its bytes "
          + "(default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--idle-timeout", paramLabel = "SECONDS",
      defaultValue = "" + TlsServer.Builder.DEFAULT_IDLE_TIMEOUT_SECONDS,
      description = "Time a connection may stay silent (default: ${DEFAULT-VALUE}).")
  int idleSeconds;

  @Option(names = "--setup-timeout", paramLabel = "SECONDS",
      description = "Time a client has, from connecting, to be on TLS: the plaintext phase before STARTTLS and the "
          + "handshake together; a client trickling plaintext is closed then (default: "
          + TlsServer.Builder.DEFAULT_SETUP_TIMEOUT_SECONDS + ", and never less than --timeout).")
  Integer setupSeconds;

  @Option(names = "--port", required = true, paramLabel = "P", description = "Port to listen on (0: any free port).")
  int port;

  @Option(names = "--listen", paramLabel = "ADDR",
      description = "Address to listen on; repeat for several (default: 127.0.0.1).")
  List<String> listen = new ArrayList<>();

  @Option(names = "--self-signed",
      description = "Serve a throwaway certificate for localhost/127.0.0.1 instead of --cert/--key.")
  boolean selfSigned;

  @Option(names = "--client-auth", defaultValue = "none", paramLabel = "none|want|need",
      description = "Ask for a client certificate, judged against --trust (default: ${DEFAULT-VALUE}).")
  Auth clientAuth;

  @Option(names = "--protocol", defaultValue = "echo", paramLabel = "echo|smtp",
      description = "What to speak after the handshake (default: ${DEFAULT-VALUE}).")
  Protocol protocol;

  @Option(names = "--starttls", description = "Start in plaintext and offer STARTTLS (smtp; echo: a STARTTLS line).")
  boolean starttls;

  @Option(names = "--spool", paramLabel = "DIR", description = "Where smtp writes each message (default: ./spool).")
  Path spool = Path.of("spool");

  @Option(names = "--hostname", paramLabel = "NAME", defaultValue = "localhost",
      description = "Name the smtp sink greets with (default: ${DEFAULT-VALUE}).")
  String hostname;

  @Option(names = "--max-connections", paramLabel = "N",
      defaultValue = "" + TlsServer.Builder.DEFAULT_MAX_CONNECTIONS,
      description = "Most connections open at once (default: ${DEFAULT-VALUE}); when full, the oldest one not yet "
          + "on TLS is closed to make room, and a new one is refused only when all are.")
  int maxConnections;

  @Option(names = "--max-handshakes", paramLabel = "N",
      description = "Most connections open at once that are not yet on TLS (handshake, or plaintext before STARTTLS); "
          + "when full, the oldest is closed to make room (default: "
          + TlsServer.Builder.DEFAULT_MAX_HANDSHAKES + ", at most --max-connections).")
  Integer maxHandshakes;

  @Option(names = "--alpn", paramLabel = "PROTOCOLS", split = ",",
      description = "ALPN protocols to select from, in preference order (e.g. h2,http/1.1); a client offering none "
          + "of them is refused with no_application_protocol.")
  List<String> alpn = new ArrayList<>();

  @Option(names = "--groups", paramLabel = "LIST", split = ",",
      description = "Key-exchange groups to accept, in order (e.g. X25519MLKEM768,x25519). A post-quantum hybrid"
          + " group (X25519MLKEM768, SecP256r1MLKEM768, SecP384r1MLKEM1024) selects BouncyCastle's JSSE, or stays on"
          + " BoringSSL with --provider native (X25519MLKEM768); hybrid groups alone refuse every client that cannot"
          + " do one.")
  List<String> groups = new ArrayList<>();

  @Option(names = "--reject-unknown-sni",
      description = "Refuse (unrecognized_name) a client whose SNI names a host the certificate does not cover.")
  boolean rejectUnknownSni;

  @Option(names = "--proxy-protocol", description = "Expect a HAProxy PROXY v1/v2 header on every connection.")
  boolean proxyProtocol;

  @Option(names = "--session-ticket-keys", paramLabel = "FILE",
      description = "Share session-ticket keys with the other instances behind one load balancer, so that each "
          + "resumes the others' sessions: FILE from 'tlskit cert ticket-keys' (the first key encrypts, all decrypt), "
          + "re-read within a second of a change. Needs --provider native (BoringSSL): the JDK's engine cannot take "
          + "ticket keys from outside.")
  Path sessionTicketKeys;

  @Option(names = "--provider", paramLabel = "jdk|native", defaultValue = "jdk",
      description = ProviderOption.DESCRIPTION)
  String provider;

  @Option(names = "--watch", description = "Reload --cert/--key when the files change, without dropping connections.")
  boolean watch;

  @Option(names = {"--json-log", "--json"}, description = "Log one JSON object per connection instead of text.")
  boolean jsonLog;

  private final CountDownLatch stopped = new CountDownLatch(1);

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (selfSigned == (cert != null)) {
      throw new UsageException("give either --cert FILE --key FILE or --self-signed");
    }
    if (clientAuth != Auth.none && trust == null) {
      throw new UsageException("--client-auth " + clientAuth + " needs --trust CA-FILE to judge client certificates");
    }
    if (clientAuth == Auth.none && trust != null) {
      throw new UsageException("--trust is only used with --client-auth want|need");
    }
    if (sessionTicketKeys != null && ProviderOption.of(provider) == null) {
      throw new UsageException("--session-ticket-keys needs --provider native: the JDK's engine (SunJSSE) makes its "
          + "session-ticket keys inside each server and has no API to set them");
    }
    if (setupSeconds != null && setupSeconds < timeoutSeconds) {
      throw new UsageException("--setup-timeout " + setupSeconds + " is shorter than --timeout " + timeoutSeconds
          + ", which it includes");
    }
    if (maxHandshakes != null && maxHandshakes > maxConnections) {
      throw new UsageException("--max-handshakes " + maxHandshakes + " exceeds --max-connections " + maxConnections
          + ", which it is part of");
    }
    if (listen.isEmpty()) listen.add("127.0.0.1");
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (String a : listen) addresses.add(new InetSocketAddress(a.replaceAll("^\\[|]$", ""), port));
    ServerCertificates certs = selfSigned ? ServeCertificates.selfSigned(addresses, out)
        : ServeCertificates.fromFiles(cert, key, certPasswordEnv);
    TlsPolicy engine = ProviderOption.apply(provider, TlsPolicy.MODERN.toBuilder()).build();
    TlsServer.Builder b = TlsServer.builder(handler(out), certs)
        .policy(engine)
        .mode(starttls ? TlsMode.STARTTLS : TlsMode.IMPLICIT)
        .maxConnections(maxConnections)
        .handshakeTimeout(Duration.ofSeconds(timeoutSeconds))
        .proxyProtocol(proxyProtocol)
        .idleTimeout(Duration.ofSeconds(idleSeconds))
        .alpn(alpn.toArray(String[]::new))
        .rejectUnknownServerNames(rejectUnknownSni)
        .listener(new LogLine(out, jsonLog));
    if (!groups.isEmpty()) b.policy(ClientOptions.withGroups(engine, groups));
    if (setupSeconds != null) b.setupTimeout(Duration.ofSeconds(setupSeconds));
    if (maxHandshakes != null) b.maxHandshakes(maxHandshakes);
    if (watch && !selfSigned) b.watchCertificates(Duration.ofSeconds(2));
    if (clientAuth != Auth.none) {
      b.clientAuth(clientAuth == Auth.want ? TlsServer.ClientAuth.WANT : TlsServer.ClientAuth.NEED)
          .trustedClientIssuers(clientIssuers(trust));
    }
    if (sessionTicketKeys != null) b.sessionTicketKeys(NativeTicketKeys.fromFile(sessionTicketKeys));
    addresses.forEach(b::listen);
    TlsServer server;
    try {
      server = b.start();
    } catch (IllegalArgumentException e) {
      if (sessionTicketKeys == null) throw e;
      throw new UsageException("--session-ticket-keys: " + e.getMessage(), e);
    }
    Thread hook = new Thread(() -> server.shutdown(Duration.ofSeconds(5)));
    Runtime.getRuntime().addShutdownHook(hook);
    for (InetSocketAddress a : server.addresses()) {
      out.println("tlskit serve: listening on " + hostPort(a) + " (" + (starttls ? "plaintext + STARTTLS" : "implicit TLS")
          + ", " + protocol + (clientAuth == Auth.none ? "" : ", client certificate " + clientAuth)
          + (groups.isEmpty() ? "" : ", groups " + String.join(",", groups))
          + (engine.provider() == null ? "" : ", provider " + provider) + ")");
    }
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      server.shutdown(Duration.ofSeconds(5));
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // the hook is running
      }
      ServerMetrics m = server.metrics();
      out.println("tlskit serve: stopped after " + m.connectionsTotal() + " connection(s), " + m.handshakesOk()
          + " handshake(s) ok, failed " + m.handshakesFailed());
      out.flush();
    }
    return ExitCodes.OK;
  }

  private ServerHandler handler(PrintWriter out) throws IOException {
    return switch (protocol) {
      case echo -> new EchoHandler(starttls);
      case smtp -> {
        Spool s = new Spool(spool);
        out.println("tlskit serve: spooling messages to " + s.directory().toAbsolutePath());
        yield new SmtpSink(hostname, starttls, 10L << 20, s, line -> {
          out.println(line);
          out.flush();
        });
      }
    };
  }

  private static List<java.security.cert.X509Certificate> clientIssuers(Path file) {
    try {
      return Trust.fromFile(file, null).certificates();
    } catch (IOException | RuntimeException e) {
      throw new UsageException("cannot read client CA certificates from " + file + ": " + e.getMessage(), e);
    }
  }

  static String hostPort(InetSocketAddress a) {
    String h = a.getAddress().getHostAddress();
    return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
  }

  /** Writes one line per connection: when it closes (with its TLS details) or when it is refused. */
  static final class LogLine implements ServerListener {
    private final PrintWriter out;
    private final boolean json;

    LogLine(PrintWriter out, boolean json) {
      this.out = out;
      this.json = json;
    }

    @Override
    public void refused(InetSocketAddress remote, ServerMetrics.HandshakeFailure reason, String detail) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("time", Instant.now().toString());
      f.put("event", "refused");
      f.put("remote", hostPort(remote));
      f.put("reason", reason.name());
      f.put("detail", detail);
      print(f);
    }

    @Override
    public void closed(ServerConnection c, Throwable error) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("time", Instant.now().toString());
      f.put("event", "closed");
      f.put("remote", hostPort(c.remoteAddress()));
      SecurityInfo s = c.securityInfo();
      f.put("tls", s != null);
      if (s != null) {
        f.put("protocol", s.protocol());
        f.put("cipher", s.cipherSuite());
        f.put("sni", s.peerName());
        f.put("alpn", s.alpn() == null || s.alpn().isEmpty() ? null : s.alpn());
        PeerIdentity p = c.peerIdentity().orElse(null);
        f.put("client", p == null ? null : p.subject());
        f.put("clientSha256", p == null ? null : p.sha256Fingerprint());
      }
      if (error != null) f.put("error", String.valueOf(error.getMessage()));
      print(f);
    }

    private void print(Map<String, Object> f) {
      StringBuilder sb = new StringBuilder();
      if (json) {
        sb.append('{');
        f.forEach((k, v) -> {
          if (sb.length() > 1) sb.append(',');
          sb.append('"').append(k).append("\":").append(jsonValue(v));
        });
        sb.append('}');
      } else {
        f.forEach((k, v) -> {
          if (v == null || k.equals("event") || k.equals("tls")) return;
          if (!sb.isEmpty()) sb.append(' ');
          if (k.equals("time") || k.equals("remote") || k.equals("protocol") || k.equals("cipher")) {
            sb.append(v);
            if (k.equals("remote")) sb.append(' ').append(f.get("event"))
                .append(Boolean.FALSE.equals(f.get("tls")) ? " plaintext" : "");
          } else {
            sb.append(k).append('=').append(v.toString().contains(" ") ? "\"" + v + "\"" : v);
          }
        });
      }
      out.println(sb);
      out.flush();
    }

    static String jsonValue(Object v) {
      if (v == null) return "null";
      if (v instanceof Boolean || v instanceof Number) return v.toString();
      return JsonWriter.toJson(v.toString());
    }
  }
}
