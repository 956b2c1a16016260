package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.ftp.testing.RealProxy;
import dev.tlskit.ftp.testing.Vsftpd;
import dev.tlskit.testpeer.RealMailServers;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --proxy URI} and {@code --proxy-password-env VAR} on every network command (smtp, imap, pop3, ftp, probe,
 * connect), through real proxies on loopback: dante (SOCKS5) and tinyproxy (HTTP CONNECT with Basic authentication),
 * to a real Postfix, Dovecot and vsftpd. Each proxy's own log shows the connections it made.
 */
class ProxyCommandsTest {
  private static final String PROXY_PASSWORD_ENV = "TLSKIT_TEST_PROXY_PASSWORD"; // set by the surefire configuration
  private static final String MAIL_PASSWORD_ENV = "TLSKIT_TEST_PASSWORD";
  private static final String FTP_PASSWORD_ENV = "TLSKIT_TEST_FTP_PASSWORD";
  private static final String PROXY_USER = "proxyuser";

  @TempDir static Path tmp;
  static RealMailServers mail;
  static Vsftpd ftp;
  static RealProxy dante;
  static RealProxy tiny;

  @BeforeAll
  static void start() throws Exception {
    mail = RealMailServers.start(tmp, true, System.getenv(MAIL_PASSWORD_ENV));
    ftp = Vsftpd.start(Files.createDirectory(tmp.resolve("ftp")), false, null);
    dante = RealProxy.dante(Files.createDirectory(tmp.resolve("dante")), false);
    tiny = RealProxy.httpConnect(Files.createDirectory(tmp.resolve("tiny")), PROXY_USER,
        System.getenv(PROXY_PASSWORD_ENV));
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {tiny, dante, ftp, mail}) {
      if (c != null) c.close();
    }
  }

  private static String socks() {
    return "socks5://127.0.0.1:" + dante.config().port();
  }

  private static String[] http() {
    return new String[] {"--proxy", "http://" + PROXY_USER + "@127.0.0.1:" + tiny.config().port(),
        "--proxy-password-env", PROXY_PASSWORD_ENV};
  }

  private static MailCommandsTest.Result mail(String command, int port, String tls, String... extra) {
    List<String> a = new ArrayList<>(List.of(command.split(" ")));
    a.addAll(List.of("--server", "127.0.0.1:" + port, "--tls", tls, "--trust", mail.pki.caPem.toString(),
        "--peer-name", "localhost", "--timeout", "10", "--user", "alice", "--password-env", MAIL_PASSWORD_ENV));
    a.addAll(List.of(extra));
    return MailCommandsTest.run(a);
  }

  private static MailCommandsTest.Result smtp(String... proxy) {
    List<String> a = new ArrayList<>(List.of("--from", "alice@example.test", "--to", "alice@example.test",
        "--subject", "proxied", "--body", "through a proxy"));
    a.addAll(List.of(proxy));
    return mail("smtp send", mail.submission, "starttls", a.toArray(String[]::new));
  }

  private static MainTest.Result connect(int port, String... extra) {
    List<String> a = new ArrayList<>(List.of("connect", "127.0.0.1:" + port, "--trust", mail.pki.caPem.toString(),
        "--peer-name", "localhost", "--timeout", "10", "--no-relay"));
    a.addAll(List.of(extra));
    return MainTest.run(a.toArray(String[]::new));
  }

  private static MainTest.Result probe(int port, String... extra) {
    List<String> a = new ArrayList<>(List.of("probe", "127.0.0.1:" + port, "--trust", mail.pki.caPem.toString(),
        "--peer-name", "localhost", "--timeout", "10", "--max-handshakes", "40"));
    a.addAll(List.of(extra));
    return MainTest.run(a.toArray(String[]::new));
  }

  /**
   * On the JDK engine and on the native one, whose connections are socket channels' (records go between BoringSSL's
   * direct buffers and the kernel): through a proxy that channel carries the SOCKS5 or CONNECT exchange first, then
   * TLS through the tunnel.
   */
  @Test
  void mailCommandsTunnelThroughSocks5AndAuthenticatedHttpConnect() throws Exception {
    for (String provider : List.of("jdk", "native")) {
      for (String[] proxy : List.of(new String[] {"--proxy", socks()}, http())) {
        String[] extra = Stream.concat(Stream.of(proxy), Stream.of("--provider", provider)).toArray(String[]::new);
        MailCommandsTest.Result r = smtp(extra);
        assertThat(r.code()).as(provider + ": " + r.err() + r.out()).isZero();
        r = mail("imap list", mail.imaps, "implicit", extra);
        assertThat(r.code()).as(provider + ": " + r.err() + r.out()).isZero();
        r = mail("pop3 list", mail.pop3, "starttls", extra);
        assertThat(r.code()).as(provider + ": " + r.err() + r.out()).isZero();
      }
    }
    for (RealProxy p : List.of(dante, tiny)) {
      assertThat(p.targets()).as("what %s connected to", p.config()).contains("127.0.0.1:" + mail.submission,
          "127.0.0.1:" + mail.imaps, "127.0.0.1:" + mail.pop3);
    }
  }

  @Test
  void ftpConnectAndProbeTunnelThroughBothProxies() throws Exception {
    for (String[] proxy : List.of(new String[] {"--proxy", socks()}, http())) {
      MainTest.Result r = FtpCommandTest.run(ftp, Vsftpd.USER, FTP_PASSWORD_ENV, "ls", proxy);
      assertThat(r.code()).as(r.err() + r.out()).isZero();
      r = connect(mail.imaps, proxy);
      assertThat(r.code()).as(r.err() + r.out()).isZero();
      assertThat(r.out()).contains("Connected to 127.0.0.1:" + mail.imaps);
    }
    String control = "127.0.0.1:" + ftp.port;
    for (RealProxy p : List.of(dante, tiny)) {
      // the control connection, then at least one passive data connection for the listing
      assertThat(p.targets()).as("what %s connected to", p.config()).contains(control, "127.0.0.1:" + mail.imaps)
          .filteredOn(t -> t.startsWith("127.0.0.1:") && !t.equals(control)
              && !t.endsWith(":" + mail.imaps) && !t.endsWith(":" + mail.submission)
              && !t.endsWith(":" + mail.pop3)).isNotEmpty();
    }
    int before = dante.targets().size();
    MainTest.Result implicit = probe(mail.imaps, "--proxy", socks());
    assertThat(implicit.code()).as(implicit.err() + implicit.out()).isIn(0, 3); // a verdict, reached by the probe
    assertThat(implicit.out()).contains("127.0.0.1:" + mail.imaps);
    assertThat(dante.targets().subList(before, dante.targets().size())).hasSizeGreaterThan(5)
        .containsOnly("127.0.0.1:" + mail.imaps);
    before = tiny.targets().size();
    MainTest.Result starttls = probe(mail.imap, "--starttls", "imap", http()[0], http()[1], http()[2], http()[3]);
    assertThat(starttls.code()).as(starttls.err() + starttls.out()).isIn(0, 3);
    assertThat(tiny.targets().subList(before, tiny.targets().size())).hasSizeGreaterThan(5)
        .containsOnly("127.0.0.1:" + mail.imap);
  }

  /** A proxy that says no is a refusal (exit 1), never a TLS verdict; an unreachable target is a network failure. */
  @Test
  void proxyRefusalsAreTypedOnEveryCommand() throws Exception {
    String noUser = "http://127.0.0.1:" + tiny.config().port();
    String quoted = "\"HTTP/1.0 407 Proxy Authentication Required\"";
    MailCommandsTest.Result m = smtp("--proxy", noUser, "--json");
    assertThat(m.code()).as(m.err() + m.out()).isEqualTo(1);
    assertThat(m.out()).contains("\"kind\":\"protocol\"").contains(quoted.replace("\"", "\\\""))
        .contains("\"proxy\":{\"proxy\":\"" + noUser + "\",\"reason\":\"AUTHENTICATION_REQUIRED\",\"replyCode\":"
            + "\"407\"}");
    m = mail("imap list", mail.imaps, "implicit", "--proxy", noUser);
    assertThat(m.code()).isEqualTo(1);
    assertThat(m.err()).contains(quoted).contains("Try: name the proxy user in --proxy");
    m = mail("pop3 list", mail.pop3s, "implicit", "--proxy", noUser);
    assertThat(m.code()).isEqualTo(1);
    MainTest.Result r = FtpCommandTest.run(ftp, Vsftpd.USER, FTP_PASSWORD_ENV, "ls", "--proxy", noUser);
    assertThat(r.code()).as(r.err() + r.out()).isEqualTo(1);
    assertThat(r.err()).contains(quoted);
    r = connect(mail.imaps, "--proxy", noUser);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains(quoted);
    r = probe(mail.imaps, "--proxy", noUser, "--json");
    assertThat(r.code()).as(r.err() + r.out()).isEqualTo(1);
    assertThat(r.out()).contains("PROXY_REFUSED").contains(quoted.replace("\"", "\\\""));

    // dante: the rule set refuses port 9 (exit 1); a closed port behind the proxy is a network failure (exit 4)
    r = connect(RealProxy.DANTE_BLOCKED_PORT, "--proxy", socks());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("reply 2, not allowed by ruleset").contains("Try: the proxy's rules forbid");
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    r = connect(closed, "--proxy", socks(), "--json");
    assertThat(r.code()).isEqualTo(4);
    assertThat(r.out()).contains("\"kind\":\"network\"").contains("\"reason\":\"TARGET_UNREACHABLE\"");
  }

  /** Wrong credentials at a SOCKS5 proxy that checks them (dante, RFC 1929): exit 1, and the password shown nowhere. */
  @Test
  void rejectedSocksCredentialsExitOneWithoutShowingThePassword() throws Exception {
    try (RealProxy checking = RealProxy.dante(Files.createDirectory(tmp.resolve("dante-auth")), true)) {
      String uri = "socks5://" + RealProxy.DANTE_USER + "@127.0.0.1:" + checking.config().port();
      MailCommandsTest.Result m = mail("pop3 list", mail.pop3s, "implicit", "--proxy", uri,
          "--proxy-password-env", PROXY_PASSWORD_ENV);
      assertThat(m.code()).as(m.err() + m.out()).isEqualTo(1);
      assertThat(m.err()).contains("rejected the user name or password").contains(uri)
          .doesNotContain(System.getenv(PROXY_PASSWORD_ENV));
      MainTest.Result r = connect(mail.imaps, "--proxy", "socks5://127.0.0.1:" + checking.config().port());
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err()).contains("needs a user and password");
      assertThat(checking.targets()).isEmpty();
    }
  }

  @Test
  void proxyFlagsAreCheckedAsUsage() {
    assertThat(connect(1, "--proxy-password-env", PROXY_PASSWORD_ENV).code()).isEqualTo(2);
    MainTest.Result r = connect(1, "--proxy", "socks5://127.0.0.1:1080", "--proxy-password-env",
        PROXY_PASSWORD_ENV);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("needs a user in --proxy");
    r = probe(1, "--proxy", "socks5://u:secret@127.0.0.1:1080");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("environment variable").doesNotContain("secret@");
    assertThat(mail("imap list", 1, "implicit", "--proxy", "ftp://127.0.0.1:21").code()).isEqualTo(2);
  }
}
