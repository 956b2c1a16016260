package dev.tlskit.cli;

import dev.tlskit.ProtocolException;
import dev.tlskit.Revocation;
import dev.tlskit.SecurityInfo;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.ValidationReport;
import dev.tlskit.internal.json.JsonWriter;
import dev.tlskit.internal.starttls.PreambleLines;
import dev.tlskit.internal.starttls.StarttlsProtocol;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tlskit connect HOST:PORT}: handshake, show what was negotiated and how the peer was judged, relay. */
@Command(name = "connect", mixinStandardHelpOptions = true,
    description = "Open a TLS connection (like openssl s_client, friendlier): print the negotiated parameters and"
        + " the certificate validation report, then relay stdin to the server and the server to stdout until EOF."
        + " Exit 0 when the certificate is trusted, 3 when the handshake or certificate is rejected, 4 on network"
        + " errors and timeouts.")
final class ConnectCommand implements Callable<Integer> {
  /** Where relayed input comes from; tests replace it. */
  static volatile InputStream stdin = System.in;

  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin GlobalOptions global;

  @Parameters(index = "0", paramLabel = "HOST:PORT", description = "Server to connect to ([v6-address]:port too).")
  String target;

  @Option(names = "--starttls", paramLabel = "PROTO",
      description = "Upgrade a plaintext connection first: smtp, imap, pop3 or ftp.")
  String starttls;

  @Option(names = "--alpn", paramLabel = "PROTO", split = ",",
      description = "ALPN protocols to offer, comma-separated (e.g. h2,http/1.1).")
  List<String> alpn = new ArrayList<>();

  @Option(names = "--groups", paramLabel = "LIST", split = ",",
      description = "Key-exchange groups to offer, in order (e.g. X25519MLKEM768,x25519). A post-quantum hybrid group"
          + " (X25519MLKEM768, SecP256r1MLKEM768, SecP384r1MLKEM1024) selects BouncyCastle's JSSE, or stays on"
          + " BoringSSL with --provider native (X25519MLKEM768); hybrid groups alone require one (no classical"
          + " fallback: exit 3 when the server has none).")
  List<String> groups = new ArrayList<>();

  @Option(names = "--pin", paramLabel = "sha256/BASE64",
      description = "SPKI pin the chain must contain (repeatable).")
  List<String> pins = new ArrayList<>();

  @Option(names = "--revocation", paramLabel = "MODE",
      description = "Revocation checking: off (default), soft or hard.")
  String revocation = "off";

  @Option(names = "--no-relay", description = "Print the connection details and close; do not relay stdin.")
  boolean noRelay;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    HostPort hp = HostPort.parse(target);
    StarttlsProtocol proto = starttls == null ? null : protocol();
    String peerName = ClientOptions.peerName(global, hp.host());
    TlsClient client = ClientOptions.client(global, policy()).build();
    List<String> transcript = new ArrayList<>();
    TlsConnection conn = null;
    try {
      SecurityInfo info;
      if (starttls == null) {
        conn = client.connectTls(hp.host(), hp.port(), peerName);
        info = conn.securityInfo();
      } else {
        conn = client.connectPlain(hp.host(), hp.port(), peerName);
        // The capabilities are not asked again over TLS here: the relay hands the session to the user, who does.
        proto.startTls(PreambleLines.over(conn).transcript(line -> {
          transcript.add(line);
          if (!global.json) out.println(line);
        }));
        info = conn.securityInfo();
      }
      if (info.clientCertificateRequested() && "TLSv1.3".equals(info.protocol())) {
        // A TLS 1.3 server judges our client certificate (or its absence) after our handshake is over: wait briefly
        // for its refusal, which the first read reports as TlsSecurityException CLIENT_CERTIFICATE_REFUSED.
        conn.awaitInput(Duration.ofSeconds(1));
      }
      report(out, hp, conn, info, transcript, null);
      if (noRelay) return ExitCodes.OK;
      IOException relayError = relay(conn, out, err);
      return relayError instanceof SSLException || relayError instanceof TlsSecurityException
          ? ExitCodes.SECURITY : ExitCodes.OK;
    } catch (SSLException e) {
      // The handshake succeeded but the peer then refused us with an alert.
      TlsSecurityException refused = new TlsSecurityException(TlsSecurityException.Reason.HANDSHAKE_FAILED,
          "the server refused the connection after the handshake: " + Main.message(e)
              + (conn != null && conn.securityInfo() != null && conn.securityInfo().clientCertificateRequested()
                  ? " (it asked for a client certificate; give one with --cert)" : ""));
      report(out, hp, conn, null, transcript, refused);
      return ExitCodes.SECURITY;
    } catch (TlsSecurityException e) {
      report(out, hp, conn, null, transcript, e);
      return ExitCodes.SECURITY;
    } catch (ProtocolException e) {
      failure(out, err, hp, conn, transcript, e);
      return ExitCodes.REFUSED;
    } catch (IOException e) {
      failure(out, err, hp, conn, transcript, e);
      return ExitCodes.of(e); // 4, or 1 when a proxy refused the tunnel
    } finally {
      if (conn != null) {
        try {
          conn.close();
        } catch (IOException ignored) {
          // closing after an error: nothing to report
        }
      }
    }
  }

  private TlsPolicy policy() {
    TlsPolicy.Builder b = ClientOptions.policy(global);
    try {
      if (!alpn.isEmpty()) b.alpn(alpn.toArray(String[]::new));
      for (String pin : pins) b.pin(pin);
      b.revocation(switch (revocation.toLowerCase(Locale.ROOT)) {
        case "off" -> Revocation.OFF;
        case "soft" -> Revocation.SOFT_FAIL;
        case "hard" -> Revocation.HARD_FAIL;
        default -> throw new UsageException("--revocation must be off, soft or hard: " + revocation);
      });
      return ClientOptions.withGroups(b.build(), groups);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  private StarttlsProtocol protocol() {
    try {
      return StarttlsProtocol.parse(starttls);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  private void report(PrintWriter out, HostPort hp, TlsConnection conn, SecurityInfo info, List<String> transcript,
      TlsSecurityException error) {
    ValidationReport validation = info != null ? info.validation() : error.report().orElse(null);
    if (global.json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("host", hp.host());
      m.put("port", hp.port());
      m.put("starttls", starttls);
      m.put("connected", error == null);
      m.put("trusted", validation != null && validation.trusted() && error == null);
      if (!transcript.isEmpty()) m.put("preamble", transcript);
      if (error != null) {
        CommandJson.putError(m, error);
        m.put("validation", validation == null ? null : validation.jsonTree());
        m.put("security", CommandJson.security(conn == null ? null : conn.securityInfo())); // what came before
      } else {
        m.put("security", CommandJson.security(info));
      }
      out.println(JsonWriter.toJson(m));
      out.flush();
      return;
    }
    if (error != null) {
      out.println("REJECTED (" + error.reason() + "): " + error.getMessage());
      if (validation != null) out.print(validation);
      ErrorHints.print(out, error, global.cert != null);
    } else {
      out.println("Connected to " + hp + (conn == null ? "" : " (" + conn.remoteAddress() + ")"));
      out.print(info);
      out.println("---");
    }
    out.flush();
  }

  private void failure(PrintWriter out, PrintWriter err, HostPort hp, TlsConnection conn, List<String> transcript,
      IOException e) {
    if (global.json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("host", hp.host());
      m.put("port", hp.port());
      m.put("connected", false);
      CommandJson.putError(m, e);
      m.put("security", CommandJson.security(conn == null ? null : conn.securityInfo()));
      if (!transcript.isEmpty()) m.put("preamble", transcript);
      out.println(JsonWriter.toJson(m));
      out.flush();
    } else {
      err.println("tlskit: " + Main.message(e));
      ErrorHints.print(err, e, global.cert != null);
      err.flush();
    }
  }

  /**
   * Copies stdin to the server and the server to stdout. Ends when the server closes, or when stdin ends and the
   * server has then been quiet for a second; the connection is closed with close_notify by the caller.
   */
  private IOException relay(TlsConnection conn, PrintWriter out, PrintWriter err) {
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<IOException> failure = new AtomicReference<>();
    AtomicLong lastReceived = new AtomicLong(System.nanoTime());
    Thread reader = Thread.ofVirtual().name("tlskit-connect-reader").start(() -> {
      try (Reader r = new InputStreamReader(conn.input(), StandardCharsets.UTF_8)) {
        char[] buf = new char[8192];
        int n;
        while ((n = r.read(buf)) >= 0) {
          lastReceived.set(System.nanoTime());
          out.write(buf, 0, n);
          out.flush();
        }
        if (conn.truncated()) err.println("tlskit: server closed without TLS close_notify (possible truncation)");
      } catch (IOException e) {
        if (!conn.socket().isClosed()) {
          failure.set(e);
          err.println("tlskit: " + Main.message(e));
        }
      } finally {
        err.flush();
        done.countDown();
      }
    });
    AtomicBoolean stdinEnded = new AtomicBoolean();
    Thread writer = Thread.ofPlatform().daemon(true).name("tlskit-connect-stdin").start(() -> {
      try {
        byte[] buf = new byte[8192];
        int n;
        InputStream in = stdin;
        while (done.getCount() > 0 && (n = in.read(buf)) >= 0) {
          conn.output().write(buf, 0, n);
          conn.output().flush();
        }
      } catch (IOException e) {
        if (e instanceof TlsSecurityException) failure.compareAndSet(null, e); // e.g. our certificate refused
        if (!conn.socket().isClosed()) err.println("tlskit: " + Main.message(e));
      } finally {
        stdinEnded.set(true);
      }
    });
    try {
      while (!done.await(50, TimeUnit.MILLISECONDS)) {
        if (stdinEnded.get() && System.nanoTime() - lastReceived.get() > TimeUnit.SECONDS.toNanos(1)) break;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    reader.interrupt();
    writer.interrupt();
    return failure.get();
  }

  /** A host and port from the command line: {@code host:port} or {@code [v6-address]:port}. */
  record HostPort(String host, int port) {
    static HostPort parse(String s) {
      String host;
      String port;
      if (s.startsWith("[")) {
        int end = s.indexOf("]:");
        if (end < 0) throw new UsageException("expected [ADDRESS]:PORT: " + s);
        host = s.substring(1, end);
        port = s.substring(end + 2);
      } else {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || s.indexOf(':') != colon) throw new UsageException("expected HOST:PORT: " + s);
        host = s.substring(0, colon);
        port = s.substring(colon + 1);
      }
      try {
        int p = Integer.parseInt(port);
        if (p < 1 || p > 65535) throw new NumberFormatException();
        return new HostPort(host, p);
      } catch (NumberFormatException e) {
        throw new UsageException("port must be 1..65535: " + s);
      }
    }

    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }
}
