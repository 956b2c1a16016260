package dev.tlskit.cli;

import dev.tlskit.CertifiedKey;
import dev.tlskit.SecurityInfo;
import dev.tlskit.ServerCertificates;
import dev.tlskit.ServerHandler;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.TlsServer;
import dev.tlskit.Trust;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.cli.sink.EchoHandler;
import dev.tlskit.cli.sink.SmtpSink;
import dev.tlskit.cli.sink.Spool;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code tlskit demo}: walks through implicit TLS, STARTTLS, mutual TLS and a refused certificate against servers it
 * starts in this process on 127.0.0.1, with a throwaway CA. No arguments, no network beyond loopback.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Show TlsKit at work, offline: makes a throwaway CA, starts servers on 127.0.0.1 in this process, "
        + "and walks through implicit TLS, STARTTLS, mutual TLS and a refused bad certificate.",
        "Exits 0 when every step behaved as expected."})
final class DemoCommand implements Callable<Integer> {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final int STEPS = 4;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  private PrintWriter out;
  private int ok;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    out.println("tlskit demo: a throwaway CA, TLS servers on 127.0.0.1 and a TlsKit client, all in this process.");
    HeldCertificate ca = HeldCertificate.root("tlskit demo CA");
    HeldCertificate server = HeldCertificate.leaf(ca, "localhost", "127.0.0.1");
    HeldCertificate client = HeldCertificate.builder().commonName("demo-client").signedBy(ca).build();
    out.println("  CA:     " + subject(ca) + " (trusted by the client and, for client certificates, the server)");
    out.println("  server: " + subject(server) + ", names localhost and 127.0.0.1");
    out.println("  client: " + subject(client));
    TlsPolicy trustDemoCa = TlsPolicy.builder().trust(Trust.anchors(ca.certificate())).build();
    ServerCertificates serverCerts = ServerCertificates.of(key(server));

    step(1, "Implicit TLS: TLS from the first byte (like SMTPS on 465 or IMAPS on 993)",
        () -> implicitTls(serverCerts, trustDemoCa));
    step(2, "STARTTLS: plaintext SMTP, then an in-place upgrade (like SMTP on 587)",
        () -> starttls(serverCerts, trustDemoCa));
    step(3, "Mutual TLS: the server requires a client certificate from the demo CA",
        () -> mutualTls(serverCerts, trustDemoCa, client, ca));
    step(4, "A bad certificate: the server presents an expired certificate for another name",
        () -> badCertificate(ca, trustDemoCa));

    out.println();
    out.println(ok == STEPS ? "All " + STEPS + " steps behaved as expected."
        : (STEPS - ok) + " of " + STEPS + " steps did NOT behave as expected.");
    out.flush();
    return ok == STEPS ? ExitCodes.OK : ExitCodes.REFUSED;
  }

  @FunctionalInterface
  private interface Step {
    boolean run() throws Exception;
  }

  private void step(int n, String title, Step step) {
    out.println();
    out.println("[" + n + "/" + STEPS + "] " + title);
    boolean good;
    try {
      good = step.run();
    } catch (Exception e) {
      say("unexpected error: " + Main.message(e));
      good = false;
    }
    say(good ? "=> as expected" : "=> NOT as expected");
    if (good) ok++;
    out.flush();
  }

  private boolean implicitTls(ServerCertificates certs, TlsPolicy policy) throws IOException {
    try (TlsServer s = TlsServer.builder(new EchoHandler(false), certs).start()) {
      say("server: echo, implicit TLS, on 127.0.0.1:" + s.port());
      try (TlsConnection c = client(policy).connectTls("127.0.0.1", s.port(), "localhost")) {
        describe(c.securityInfo());
        return exchange(c, "hello over TLS").equals("hello over TLS");
      }
    }
  }

  private boolean starttls(ServerCertificates certs, TlsPolicy policy) throws IOException {
    Path spool = Files.createTempDirectory("tlskit-demo-spool-");
    try (TlsServer s = TlsServer.builder(new SmtpSink("demo.localhost", true, 1 << 20, new Spool(spool), l -> { }),
        certs).mode(TlsMode.STARTTLS).start()) {
      say("server: SMTP sink, plaintext with STARTTLS, on 127.0.0.1:" + s.port());
      try (TlsConnection c = client(policy).connectPlain("127.0.0.1", s.port(), "localhost")) {
        readReply(c);
        String before = command(c, "EHLO demo.client");
        String go = command(c, "STARTTLS");
        say("(upgrading the same connection; anything the server had sent after its 220 would be refused)");
        describe(c.upgradeToTls());
        String after = command(c, "EHLO demo.client");
        say("(capabilities fetched again after TLS: AUTH is offered only now)");
        command(c, "QUIT");
        return before.contains("STARTTLS") && !before.contains("AUTH") && go.startsWith("220")
            && after.contains("AUTH PLAIN LOGIN");
      }
    } finally {
      try (var files = Files.list(spool)) {
        for (Path f : files.toList()) Files.deleteIfExists(f);
      }
      Files.deleteIfExists(spool);
    }
  }

  private boolean mutualTls(ServerCertificates certs, TlsPolicy policy, HeldCertificate client, HeldCertificate ca)
      throws IOException {
    ServerHandler whoAmI = c -> c.writeLine("hello " + c.peerIdentity().map(p -> p.subject()
        + " (sha256 " + p.sha256Fingerprint().substring(0, 23) + "...)").orElse("stranger"));
    try (TlsServer s = TlsServer.builder(whoAmI, certs).clientAuth(TlsServer.ClientAuth.NEED)
        .trustedClientIssuers(java.util.List.of(ca.certificate())).start()) {
      say("server: requires a client certificate issued by the demo CA, on 127.0.0.1:" + s.port());
      TlsPolicy withCert = policy.toBuilder().clientCertificate(key(client)).build();
      String greeting;
      try (TlsConnection c = client(withCert).connectTls("127.0.0.1", s.port(), "localhost")) {
        say("client: presented " + subject(client));
        greeting = c.readLine(1024);
        say("S: " + greeting);
      }
      say("client: now without a certificate");
      boolean refused;
      try (TlsConnection c = client(policy).connectTls("127.0.0.1", s.port(), "localhost")) {
        c.readLine(1024); // TLS 1.3: the server's refusal arrives with the first read
        refused = false;
        say("the server let an anonymous client in");
      } catch (IOException e) {
        refused = true;
        say("refused by the server: " + Main.message(e));
      }
      return greeting.startsWith("hello CN=demo-client") && refused;
    }
  }

  private boolean badCertificate(HeldCertificate ca, TlsPolicy policy) throws IOException {
    HeldCertificate bad = HeldCertificate.builder().commonName("wrong.example").addDnsName("wrong.example")
        .signedBy(ca).expired().build();
    try (TlsServer s = TlsServer.builder(new EchoHandler(false), ServerCertificates.of(key(bad))).start()) {
      say("server: presents " + subject(bad) + ", expired " + bad.certificate().getNotAfter().toInstant()
          + ", on 127.0.0.1:" + s.port());
      try (TlsConnection c = client(policy).connectTls("127.0.0.1", s.port(), "localhost")) {
        say("the client accepted it: " + c.securityInfo().protocol());
        return false;
      } catch (TlsSecurityException e) {
        say("client refused it (" + e.reason() + "), exit code 3 in 'tlskit connect'. Validation report:");
        e.report().ifPresent(r -> r.toString().lines().forEach(l -> say("  " + l)));
        return e.reason() == TlsSecurityException.Reason.CERTIFICATE_REJECTED && e.report().isPresent()
            && e.report().get().problemSummary().contains("expired")
            && e.report().get().problemSummary().contains("localhost");
      }
    }
  }

  private static TlsClient client(TlsPolicy policy) {
    return TlsClient.builder().policy(policy).timeout(TIMEOUT).build();
  }

  private void describe(SecurityInfo info) {
    say("client: " + info.protocol() + " " + info.cipherSuite() + ", server certificate for " + info.peerName() + ": "
        + info.validation().verdict());
  }

  private String exchange(TlsConnection c, String line) throws IOException {
    say("C: " + line);
    write(c, line);
    String reply = c.readLine(1024);
    say("S: " + reply);
    return reply;
  }

  /** Sends an SMTP command and returns its (possibly multi-line) reply, printing both. */
  private String command(TlsConnection c, String line) throws IOException {
    say("C: " + line);
    write(c, line);
    return readReply(c);
  }

  private String readReply(TlsConnection c) throws IOException {
    StringBuilder all = new StringBuilder();
    String l;
    do {
      l = c.readLine(1024);
      say("S: " + l);
      all.append(l).append('\n');
    } while (l.length() > 3 && l.charAt(3) == '-');
    return all.toString();
  }

  private static void write(TlsConnection c, String line) throws IOException {
    OutputStream o = c.output();
    o.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    o.flush();
  }

  private void say(String line) {
    out.println("      " + line);
  }

  private static CertifiedKey key(HeldCertificate h) {
    return CertifiedKey.of(h.privateKey(), h.chain());
  }

  private static String subject(HeldCertificate h) {
    return h.certificate().getSubjectX500Principal().getName();
  }
}
