package dev.tlskit.cli;

import dev.tlskit.CertifiedKey;
import dev.tlskit.SecurityInfo;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsPolicy;
import dev.tlskit.Trust;
import dev.tlskit.ftp.DataConnectionMode;
import dev.tlskit.ftp.DataProtection;
import dev.tlskit.ftp.FtpClient;
import dev.tlskit.ftp.FtpSession;
import dev.tlskit.ftp.SessionReuseRequiredException;
import dev.tlskit.ftp.TransferResult;
import dev.tlskit.ftp.UploadFailedException;
import dev.tlskit.internal.json.JsonWriter;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tlskit ftp}: FTP and FTPS file transfers whose data connections resume the control session. */
@Command(name = "ftp", mixinStandardHelpOptions = true,
    description = "FTP/FTPS client: list, download, upload, delete, create directories.",
    subcommands = {FtpCommandLs.class, FtpCommandGet.class, FtpCommandPut.class, FtpCommandRm.class,
        FtpCommandMkdir.class})
final class FtpCommand implements Runnable {
  // BouncyCastle JSSE (the TLS 1.2 data-connection route) logs its configuration at INFO; keep the terminal quiet.
  private static final Logger BC_LOG = Logger.getLogger("org.bouncycastle.jsse");

  static {
    BC_LOG.setLevel(Level.SEVERE);
  }

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The connection options every ftp subcommand takes. */
  static final class Connection {
    @Mixin GlobalOptions global;

    @Option(names = "--server", required = true, paramLabel = "HOST[:PORT]",
        description = "Server; port 21 by default, 990 means implicit TLS under --tls auto.")
    String server;

    @Option(names = "--tls", defaultValue = "auto", paramLabel = "MODE",
        description = "auto (default), explicit (AUTH TLS; 'starttls' is a synonym), implicit, or none.")
    String tls;

    @Option(names = "--user", required = true, paramLabel = "USER", description = "User name.")
    String user;

    @Option(names = "--password-env", required = true, paramLabel = "VAR",
        description = "Environment variable holding the password.")
    String passwordEnv;

    @Option(names = "--active", description = "Active mode (EPRT/PORT): the server connects back to us.")
    boolean active;

    @Option(names = "--insecure-clear-data",
        description = "DANGEROUS: unencrypted data connections (PROT C) on a TLS control connection.")
    boolean clearData;

    String host() {
      return hostPort()[0];
    }

    int port() {
      String p = hostPort()[1];
      if (p == null) return 21;
      try {
        int n = Integer.parseInt(p);
        if (n < 1 || n > 65535) throw new NumberFormatException();
        return n;
      } catch (NumberFormatException e) {
        throw new UsageException("--server port must be 1-65535: " + server);
      }
    }

    private String[] hostPort() {
      if (server.startsWith("[")) { // [::1]:2121
        int end = server.indexOf(']');
        if (end < 0) throw new UsageException("--server has an unclosed '[': " + server);
        String rest = server.substring(end + 1);
        return new String[] {server.substring(1, end), rest.startsWith(":") ? rest.substring(1) : null};
      }
      int colon = server.indexOf(':');
      if (colon >= 0 && server.indexOf(':', colon + 1) < 0) {
        return new String[] {server.substring(0, colon), server.substring(colon + 1)};
      }
      return new String[] {server, null};
    }

    TlsMode mode() {
      return switch (tls.toLowerCase(Locale.ROOT)) {
        case "auto" -> TlsMode.AUTO;
        case "explicit", "starttls" -> TlsMode.STARTTLS;
        case "implicit" -> TlsMode.IMPLICIT;
        case "none" -> TlsMode.NONE;
        default -> throw new UsageException("--tls must be auto, explicit, starttls, implicit or none: " + tls);
      };
    }

    /** Connects and logs in. */
    FtpSession open() throws IOException {
      char[] password = GlobalOptions.secretFromEnv("--password-env", passwordEnv);
      FtpClient.Builder b = FtpClient.builder().tlsMode(mode())
          .connectTimeout(Duration.ofSeconds(global.timeoutSeconds))
          .readTimeout(Duration.ofSeconds(global.timeoutSeconds))
          .dataConnectionMode(active ? DataConnectionMode.ACTIVE : DataConnectionMode.PASSIVE);
      if (clearData) b.clearDataConnections();
      b.policy(policy(global));
      String host = host();
      FtpSession s = b.build().connect(host, port(), global.peerName != null ? global.peerName : host);
      try {
        s.login(user, password);
        return s;
      } catch (IOException | RuntimeException e) {
        s.close();
        throw e;
      } finally {
        java.util.Arrays.fill(password, '\0');
      }
    }
  }

  /**
   * Returns the default policy with the trust anchors of {@code --trust} (PEM bundle or PKCS#12) and the client
   * certificate of {@code --cert} ({@code --key} for PEM, else a PKCS#12 or JKS key store).
   */
  static TlsPolicy policy(GlobalOptions global) {
    if (global.trust == null && global.cert == null) return TlsPolicy.MODERN;
    TlsPolicy.Builder b = TlsPolicy.builder();
    try {
      if (global.trust != null) b.trust(Trust.fromFile(global.trust, null));
    } catch (IOException | RuntimeException e) {
      throw new UsageException("--trust " + global.trust + " cannot be used: " + e.getMessage(), e);
    }
    if (global.cert != null) {
      char[] pw = global.certPasswordEnv == null ? null
          : GlobalOptions.secretFromEnv("--cert-password-env", global.certPasswordEnv);
      try {
        b.clientCertificate(global.key != null
            ? CertifiedKey.fromPem(global.cert, global.key, pw)
            : CertifiedKey.fromKeyStore(global.cert, pw == null ? new char[0] : pw, null));
      } catch (IOException | RuntimeException e) {
        throw new UsageException("--cert " + global.cert + " cannot be used: " + e.getMessage(), e);
      }
    }
    return b.build();
  }

  /** Describes a transfer for humans: size, speed, and how its data connection was protected. */
  static String describe(TransferResult r) {
    double secs = r.elapsed().toNanos() / 1e9;
    return String.format(Locale.ROOT, "%s %s: %d bytes in %.2f s (%.1f MB/s)%s, data %s", r.command(), r.path(),
        r.bytes(), secs, r.bytesPerSecond() / 1e6, r.offset() > 0 ? ", resumed at byte " + r.offset() : "",
        describe(r.protection()));
  }

  static String describe(DataProtection p) {
    if (!p.tls()) return "NOT ENCRYPTED (PROT C)";
    return p.protocol() + " " + p.cipherSuite()
        + (p.sessionResumed() ? ", control session resumed" : ", new TLS session (the server did not resume)");
  }

  /** Runs a subcommand; with --json, a failure is printed as a JSON object too, before the error goes its way. */
  static Integer run(Connection conn, CommandSpec spec, Callable<Integer> body) throws Exception {
    try {
      return body.call();
    } catch (Exception e) {
      if (conn.global.json) spec.commandLine().getOut().println(JsonWriter.toJson(failure(e)));
      throw e;
    }
  }

  /** Returns the JSON fields of a failure: the error, the exit code, a refused data connection, an upload's remains. */
  static Map<String, Object> failure(Throwable e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", Main.message(e));
    m.put("exitCode", ExitCodes.of(e));
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UploadFailedException u && !m.containsKey("remoteFile")) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("path", u.remotePath());
        f.put("state", u.remoteFile().name());
        f.put("sizeBefore", u.sizeBefore() < 0 ? null : u.sizeBefore());
        f.put("sizeAfter", u.sizeAfter() < 0 ? null : u.sizeAfter());
        f.put("temporaryPath", u.temporaryPath().orElse(null));
        m.put("remoteFile", f);
      }
      if (t instanceof SessionReuseRequiredException r) {
        m.put("replyCode", r.replyCode());
        m.put("dataProtocol", r.protection().protocol());
        m.put("sessionResumed", r.protection().sessionResumed());
        m.put("mechanism", r.protection().mechanism());
      }
    }
    return m;
  }

  /** Returns the JSON fields describing the control connection and a transfer. */
  static Map<String, Object> json(FtpSession s, TransferResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    SecurityInfo si = s.securityInfo();
    Map<String, Object> control = new LinkedHashMap<>();
    control.put("tlsMode", s.tlsMode().name());
    control.put("protocol", si == null ? null : si.protocol());
    control.put("cipherSuite", si == null ? null : si.cipherSuite());
    control.put("peerName", s.peerName());
    m.put("control", control);
    if (r != null) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("command", r.command());
      t.put("path", r.path());
      t.put("offset", r.offset());
      t.put("bytes", r.bytes());
      t.put("seconds", r.elapsed().toNanos() / 1e9);
      DataProtection p = r.protection();
      t.put("dataTls", p.tls());
      t.put("dataProtocol", p.protocol());
      t.put("dataCipherSuite", p.cipherSuite());
      t.put("sessionResumed", p.sessionResumed());
      t.put("mechanism", p.mechanism());
      m.put("transfer", t);
    }
    return m;
  }
}
