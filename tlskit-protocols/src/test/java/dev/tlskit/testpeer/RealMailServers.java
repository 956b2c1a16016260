package dev.tlskit.testpeer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Real Dovecot (IMAP, POP3, SASL for Postfix) and optionally Postfix (submission with STARTTLS, submissions with
 * implicit TLS), started as child processes on free loopback ports with configurations in a temp directory, never
 * as system services. Dovecot has plaintext authentication disabled ({@code disable_plaintext_auth = yes},
 * {@code ssl = required}); Postfix authenticates through Dovecot's auth socket and delivers {@code
 * USER@example.test} into Dovecot's maildirs with its virtual agent.
 */
public final class RealMailServers implements AutoCloseable {
  /** Users of the passwd-file, each with password {@code PASSWORD}. */
  public static final List<String> USERS = List.of("alice", "bob", "carol");
  public static final String PASSWORD = "S3cret pass";

  public final TestPki pki = TestPki.get();
  public final Path dir;
  /** The password of every user: {@link #PASSWORD} unless the servers were started with another. */
  public final String password;
  public int imap;
  public int imaps;
  public int pop3;
  public int pop3s;
  public int submission;
  public int submissions;
  private final List<Process> processes = new ArrayList<>();
  private Path postfixConf;

  private RealMailServers(Path dir, String password) {
    this.dir = dir;
    this.password = password;
  }

  /** Starts Dovecot, and Postfix too when {@code withPostfix}; skips the test when a binary is missing. */
  public static RealMailServers start(Path tempDir, boolean withPostfix) throws Exception {
    return start(tempDir, withPostfix, PASSWORD);
  }

  /**
   * Starts the servers with {@code password} for every user (no ':' or line break): the command-line tests give the
   * value of an environment variable they cannot set.
   */
  public static RealMailServers start(Path tempDir, boolean withPostfix, String password) throws Exception {
    if (password.contains(":") || password.contains("\n")) throw new IllegalArgumentException("bad password");
    Peers.require("dovecot", "/usr/sbin/dovecot");
    Peers.require("dovecot-imapd", "/usr/lib/dovecot/imap");
    Peers.require("dovecot-pop3d", "/usr/lib/dovecot/pop3");
    if (withPostfix) {
      Peers.require("postfix", "/usr/sbin/postfix");
      // Postfix's master must start as root; without root there is nothing to test against.
      Assumptions.assumeTrue(isRoot(), "Postfix interop needs root (the master process switches users)");
    }
    // the login and mail processes run as other users: they must reach the directory
    Path dir = Files.createDirectories(tempDir.resolve("mail-servers"));
    open(tempDir, "rwxr-xr-x");
    open(dir, "rwxr-xr-x");
    RealMailServers s = new RealMailServers(dir, password);
    try {
      s.startDovecot();
      if (withPostfix) s.startPostfix();
      return s;
    } catch (Exception | AssertionError e) {
      s.close();
      throw e;
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private void startDovecot() throws Exception {
    imap = freePort();
    imaps = freePort();
    pop3 = freePort();
    pop3s = freePort();
    Path cert = copy(pki.certPem, "cert.pem");
    Path key = copy(pki.keyPem, "key.pem");
    Path mail = Files.createDirectories(dir.resolve("mail"));
    open(mail, "rwxrwxrwx"); // the mail user (nobody) and Postfix's virtual agent write here
    Files.createDirectories(dir.resolve("run"));
    Files.createDirectories(dir.resolve("state"));
    StringBuilder passwd = new StringBuilder();
    for (String u : USERS) passwd.append(u).append(":{PLAIN}").append(password).append("::::::\n");
    Files.writeString(dir.resolve("passwd"), passwd);
    String loginUser = isRoot() ? "dovenull" : System.getProperty("user.name");
    String internalUser = isRoot() ? "dovecot" : System.getProperty("user.name");
    String uid = isRoot() ? "65534" : command("id", "-u").strip();
    String gid = isRoot() ? "65534" : command("id", "-g").strip();
    String conf = """
        instance_name = tlskit-test-%1$s
        base_dir = %2$s/run
        state_dir = %2$s/state
        log_path = %2$s/dovecot.log
        protocols = imap pop3
        listen = 127.0.0.1
        ssl = required
        ssl_cert = <%3$s
        ssl_key = <%4$s
        ssl_min_protocol = TLSv1.2
        disable_plaintext_auth = yes
        auth_mechanisms = plain login scram-sha-256 cram-md5
        auth_username_format = %%n
        default_login_user = %5$s
        default_internal_user = %6$s
        first_valid_uid = 1
        mail_location = maildir:%2$s/mail/%%n
        passdb {
          driver = passwd-file
          args = scheme=PLAIN username_format=%%n %2$s/passwd
        }
        userdb {
          driver = static
          args = uid=%7$s gid=%8$s home=%2$s/mail/%%n
        }
        service imap-login {
          inet_listener imap {
            address = 127.0.0.1
            port = %9$d
          }
          inet_listener imaps {
            address = 127.0.0.1
            port = %10$d
            ssl = yes
          }
        }
        service pop3-login {
          inet_listener pop3 {
            address = 127.0.0.1
            port = %11$d
          }
          inet_listener pop3s {
            address = 127.0.0.1
            port = %12$d
            ssl = yes
          }
        }
        service auth {
          unix_listener %2$s/auth-postfix {
            mode = 0666
          }
        }
        """.formatted(ProcessHandle.current().pid() + "-" + imap, dir, cert, key, loginUser, internalUser, uid, gid,
        imap, imaps, pop3, pop3s);
    Path file = dir.resolve("dovecot.conf");
    Files.writeString(file, conf);
    processes.add(new ProcessBuilder("/usr/sbin/dovecot", "-F", "-c", file.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("dovecot.out").toFile()).start());
    for (int port : new int[] {imap, imaps, pop3, pop3s}) awaitPort(port, "dovecot.out", "dovecot.log");
  }

  private void startPostfix() throws Exception {
    submission = freePort();
    submissions = freePort();
    postfixConf = Files.createDirectories(dir.resolve("postfix"));
    Path queue = Files.createDirectories(dir.resolve("queue"));
    Path data = Files.createDirectories(dir.resolve("data"));
    command("chown", "postfix", data.toString());
    StringBuilder mailboxes = new StringBuilder();
    for (String u : USERS) mailboxes.append(mailboxes.isEmpty() ? "" : ", ").append(u).append("@example.test=")
        .append(u).append('/');
    Files.writeString(postfixConf.resolve("main.cf"), """
        compatibility_level = 3.6
        queue_directory = %1$s
        data_directory = %2$s
        mail_owner = postfix
        setgid_group = postdrop
        inet_interfaces = 127.0.0.1
        inet_protocols = ipv4
        myhostname = localhost
        mydomain = localhost
        mydestination =
        alias_maps =
        alias_database =
        maillog_file_prefixes = %3$s
        maillog_file = %3$s/postfix.log
        smtpd_tls_cert_file = %3$s/cert.pem
        smtpd_tls_key_file = %3$s/key.pem
        smtpd_sasl_type = dovecot
        smtpd_sasl_path = %3$s/auth-postfix
        virtual_mailbox_domains = example.test
        virtual_transport = virtual
        virtual_mailbox_base = %3$s/mail
        virtual_mailbox_maps = inline:{ %4$s }
        virtual_uid_maps = static:65534
        virtual_gid_maps = static:65534
        virtual_minimum_uid = 1
        default_transport = error:no delivery outside example.test in tests
        """.formatted(queue, data, dir, mailboxes));
    String auth = """
          -o smtpd_sasl_auth_enable=yes
          -o smtpd_client_restrictions=permit_sasl_authenticated,reject
          -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject
        """;
    StringBuilder master = new StringBuilder()
        .append("127.0.0.1:").append(submission).append(" inet n - n - - smtpd\n")
        .append("  -o syslog_name=postfix/submission\n  -o smtpd_tls_security_level=encrypt\n")
        .append("  -o smtpd_tls_auth_only=yes\n").append(auth)
        .append("127.0.0.1:").append(submissions).append(" inet n - n - - smtpd\n")
        .append("  -o syslog_name=postfix/submissions\n  -o smtpd_tls_wrappermode=yes\n").append(auth);
    for (String service : List.of(
        "pickup unix n - n 60 1 pickup", "cleanup unix n - n - 0 cleanup", "qmgr unix n - n 300 1 qmgr",
        "tlsmgr unix - - n 1000? 1 tlsmgr", "rewrite unix - - n - - trivial-rewrite",
        "bounce unix - - n - 0 bounce", "defer unix - - n - 0 bounce", "trace unix - - n - 0 bounce",
        "verify unix - - n - 1 verify", "flush unix n - n 1000? 0 flush", "proxymap unix - - n - - proxymap",
        "smtp unix - - n - - smtp", "relay unix - - n - - smtp", "showq unix n - n - - showq",
        "error unix - - n - - error", "retry unix - - n - - error", "discard unix - - n - - discard",
        "virtual unix - n n - - virtual", "anvil unix - - n - 1 anvil", "scache unix - - n - 1 scache",
        "postlog unix-dgram n - n - 1 postlogd")) {
      master.append(service).append('\n');
    }
    Files.writeString(postfixConf.resolve("master.cf"), master);
    command("/usr/sbin/postfix", "-c", postfixConf.toString(), "check"); // creates the queue directories
    processes.add(new ProcessBuilder("/usr/sbin/postfix", "-c", postfixConf.toString(), "start-fg")
        .redirectErrorStream(true).redirectOutput(dir.resolve("postfix.out").toFile()).start());
    awaitPort(submission, "postfix.out", "postfix.log");
    awaitPort(submissions, "postfix.out", "postfix.log");
  }

  private Path copy(Path from, String name) throws IOException {
    Path to = dir.resolve(name);
    Files.copy(from, to);
    open(to, "rw-r--r--"); // read by the daemons, which may drop privileges first; a throwaway test key
    return to;
  }

  private static void open(Path p, String perms) throws IOException {
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void awaitPort(int port, String... logs) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException e) {
        if (processes.stream().noneMatch(Process::isAlive)) break;
        Thread.sleep(100);
      }
    }
    StringBuilder sb = new StringBuilder("port " + port + " never accepted; logs:\n");
    for (String log : logs) {
      Path p = dir.resolve(log);
      if (Files.exists(p)) sb.append(Files.readString(p, StandardCharsets.UTF_8));
    }
    throw new AssertionError(sb.toString());
  }

  /**
   * Polls {@code user}'s INBOX over IMAPS until a message with {@code subject} arrives (Postfix delivers
   * asynchronously) and returns it whole; fails after 20 s with Postfix's log.
   */
  public dev.tlskit.imap.ImapMessage awaitDelivery(String user, String subject) throws Exception {
    dev.tlskit.TlsClient client = MailTests.client(pki.clientContext());
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (dev.tlskit.imap.ImapClient imap = dev.tlskit.imap.ImapClient.connect(client, "127.0.0.1", imaps,
          "localhost", dev.tlskit.TlsMode.IMPLICIT, dev.tlskit.imap.ImapLimits.DEFAULTS)) {
        imap.login(user, password.toCharArray());
        if (imap.examine("INBOX").exists() > 0) {
          for (dev.tlskit.imap.ImapMessage m : imap.fetchEnvelopes("1:*")) {
            if (subject.equals(m.envelope().subject())) return imap.fetchMessage(m.uid()).orElseThrow();
          }
        }
        imap.logout();
      }
      Thread.sleep(250);
    }
    throw new AssertionError("no message \"" + subject + "\" delivered to " + user + "; Postfix log:\n"
        + postfixLog());
  }

  /** Waits up to 10 seconds for {@code line} in the Dovecot log (it is written by a separate process). */
  public void awaitDovecotLog(String line) throws IOException, InterruptedException {
    awaitLog("dovecot.log", line);
  }

  /** Waits up to 10 seconds for {@code line} in the Postfix log. */
  public void awaitPostfixLog(String line) throws IOException, InterruptedException {
    awaitLog("postfix.log", line);
  }

  private void awaitLog(String file, String line) throws IOException, InterruptedException {
    Path p = dir.resolve(file);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!(Files.exists(p) && Files.readString(p, StandardCharsets.UTF_8).contains(line))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no \"" + line + "\" in " + file + ":\n"
            + (Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "(none)"));
      }
      Thread.sleep(100);
    }
  }

  /** Returns the Postfix log, for assertions and failure messages. */
  public String postfixLog() throws IOException {
    Path p = dir.resolve("postfix.log");
    return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
  }

  private static String command(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    if (postfixConf != null) {
      try {
        command("/usr/sbin/postfix", "-c", postfixConf.toString(), "stop");
      } catch (IOException e) {
        // it may not have started; the process is destroyed below
      }
    }
    for (Process p : processes) {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
    }
  }
}
