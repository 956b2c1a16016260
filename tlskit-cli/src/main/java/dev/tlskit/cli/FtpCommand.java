package dev.tlskit.cli;

import dev.tlskit.SecurityInfo;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsPolicy;
import dev.tlskit.ftp.DataConnectionMode;
import dev.tlskit.ftp.DataProtection;
import dev.tlskit.ftp.FtpClient;
import dev.tlskit.ftp.FtpSession;
import dev.tlskit.ftp.SessionReuseRequiredException;
import dev.tlskit.ftp.TransferResult;
import dev.tlskit.ftp.DownloadFailedException;
import dev.tlskit.ftp.UploadFailedException;
import dev.tlskit.internal.json.JsonWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
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
        description = "auto (default: implicit on 990, AUTH TLS on 21; on other ports waits 1.5 s for a greeting:"
            + " one means AUTH TLS, silence means implicit TLS), explicit (AUTH TLS; 'starttls' is a synonym),"
            + " implicit, or none.")
    String tls;

    @Option(names = "--user", required = true, paramLabel = "USER", description = "User name.")
    String user;

    @Option(names = "--password-env", required = true, paramLabel = "VAR",
        description = "Environment variable holding the password.")
    String passwordEnv;

    @Option(names = "--active", description = "Active mode (EPRT/PORT): the server connects back to us.")
    boolean active;

    @Option(names = "--keep-alive", paramLabel = "SECONDS", description = "During transfers, send NOOP on the"
        + " control connection every SECONDS, for firewalls that drop idle connections (default: off).")
    Integer keepAlive;

    @Option(names = "--insecure-ccc", description = "DANGEROUS: after login, send CCC and continue the control"
        + " connection in plaintext (for NAT/firewalls that must read PASV/PORT); data stays encrypted. Later"
        + " commands and replies (file names, listings' addresses) travel readable and alterable.")
    boolean ccc;

    @Option(names = "--groups", paramLabel = "LIST", split = ",",
        description = "Key-exchange groups to offer, in order, as tlskit connect --groups (e.g. X25519MLKEM768,x25519)."
            + " With --provider native the data connections resume the control session on TLS 1.3 too; on the JDK's"
            + " engine a hybrid group selects BouncyCastle's JSSE, whose data connections resume on TLS 1.2 only.")
    List<String> groups = new ArrayList<>();

    @Option(names = "--insecure-clear-data",
        description = "DANGEROUS: unencrypted data connections (PROT C) on a TLS control connection.")
    boolean clearData;

    /** What the control connection negotiated, also when a later step failed. */
    final AtomicReference<SecurityInfo> negotiated = new AtomicReference<>();

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

    /** Connects and logs in, with the TLS client every network command builds from the global flags. */
    FtpSession open() throws IOException {
      char[] password = GlobalOptions.secretFromEnv("--password-env", passwordEnv);
      TlsPolicy policy = ClientOptions.withGroups(ClientOptions.policy(global).build(), groups);
      TlsClient tls = ClientOptions.client(global, policy)
          .onHandshake(info -> {
            negotiated.set(info);
            ClientOptions.warnWeakenings(global, info); // the listener replaces the one ClientOptions set
          }).build();
      FtpClient.Builder b = FtpClient.builder().client(tls).tlsMode(mode())
          .dataConnectionMode(active ? DataConnectionMode.ACTIVE : DataConnectionMode.PASSIVE);
      if (clearData) b.dangerous().clearDataConnections();
      if (ccc) b.dangerous().allowClearCommandChannel();
      if (keepAlive != null) {
        if (keepAlive < 1) throw new UsageException("--keep-alive must be at least 1 second: " + keepAlive);
        b.controlKeepAlive(java.time.Duration.ofSeconds(keepAlive));
      }
      String host = host();
      FtpSession s = b.build().connect(host, port(), ClientOptions.peerName(global, host));
      try {
        s.login(user, password);
        if (ccc) s.clearCommandChannel();
        return s;
      } catch (IOException | RuntimeException e) {
        s.close();
        throw e;
      } finally {
        java.util.Arrays.fill(password, '\0');
      }
    }
  }

  /** Describes a transfer for humans: size, speed, and how its data connection was protected. */
  /** Refuses {@code --ascii} with {@code --resume} (get and put): converted line endings leave no right offset. */
  static void refuseAsciiResume(boolean ascii, boolean resume) {
    if (ascii && resume) {
      throw new UsageException("--ascii and --resume contradict each other: converted line endings make local and"
          + " remote sizes differ, so no offset is right");
    }
  }

  static String describe(TransferResult r) {
    double secs = r.elapsed().toNanos() / 1e9;
    return String.format(Locale.ROOT, "%s %s: %d bytes in %.2f s (%.1f MB/s)%s, data %s", r.command(), r.path(),
        r.bytes(), secs, r.bytesPerSecond() / 1e6, r.offset() > 0 ? ", resumed at byte " + r.offset() : "",
        describe(r.protection()));
  }

  static String describe(DataProtection p) {
    if (!p.tls()) return "NOT ENCRYPTED (PROT C)";
    return p.protocol() + " " + p.cipherSuite() + " " + p.keyExchangeGroup()
        + (p.sessionResumed() ? ", control session resumed" : ", new TLS session (the server did not resume)");
  }

  /** Runs a subcommand; with --json, a failure is printed as a JSON object too, before the error goes its way. */
  static Integer run(Connection conn, CommandSpec spec, Callable<Integer> body) throws Exception {
    try {
      return body.call();
    } catch (Exception e) {
      if (conn.global.json) spec.commandLine().getOut().println(JsonWriter.toJson(failure(conn, e)));
      throw e;
    }
  }

  /**
   * Returns the JSON fields of a failure: the error fields every command shares ({@link CommandJson#putError}), what
   * TLS negotiated before it, a refused data connection, an upload's remains, what a download kept.
   */
  static Map<String, Object> failure(Connection conn, Throwable e) {
    Map<String, Object> m = new LinkedHashMap<>();
    CommandJson.putError(m, e);
    m.put("security", CommandJson.security(conn.negotiated.get()));
    dangerous(conn, m);
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
      if (t instanceof DownloadFailedException d && !m.containsKey("localFile")) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("path", d.localFile().toString());
        f.put("state", "UNTOUCHED");
        f.put("partFile", d.partFile().map(Object::toString).orElse(null));
        f.put("bytesKept", d.bytesKept() < 0 ? null : d.bytesKept());
        f.put("complete", d.isComplete());
        m.put("localFile", f);
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

  /**
   * Returns the JSON fields describing the control connection (in short, and in full as {@code security}, as every
   * command reports TLS), the dangerous settings in use, and a transfer.
   */
  static Map<String, Object> json(Connection conn, FtpSession s, TransferResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    SecurityInfo si = s.securityInfo();
    Map<String, Object> control = new LinkedHashMap<>();
    control.put("tlsMode", s.tlsMode().name());
    control.put("tlsModeDecidedBy", s.tlsModeDecision().by().name().toLowerCase(Locale.ROOT));
    control.put("protocol", si == null ? null : si.protocol());
    control.put("cipherSuite", si == null ? null : si.cipherSuite());
    control.put("peerName", s.peerName());
    if (s.commandChannelCleared()) control.put("clearedAfterLogin", true); // CCC
    m.put("control", control);
    m.put("security", CommandJson.security(si));
    dangerous(conn, m);
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
      t.put("dataKeyExchangeGroup", p.keyExchangeGroup());
      m.put("transfer", t);
    }
    return m;
  }

  /** Adds {@code dangerous}, the weakening flags in use, when there are any. */
  private static void dangerous(Connection conn, Map<String, Object> m) {
    List<String> d = new java.util.ArrayList<>();
    if (conn.clearData) d.add("--insecure-clear-data: data connections are not encrypted");
    if (conn.ccc) d.add("--insecure-ccc: the control connection is plaintext after login (CCC)");
    if (!d.isEmpty()) m.put("dangerous", d);
  }
}
