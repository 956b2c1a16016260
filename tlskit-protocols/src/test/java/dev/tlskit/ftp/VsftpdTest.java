package dev.tlskit.ftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ProtocolException;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsMode;
import dev.tlskit.ftp.testing.RealProxy;
import dev.tlskit.ftp.testing.Vsftpd;
import dev.tlskit.TlsSecurityException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * FTPS against real vsftpd with {@code require_ssl_reuse=YES} and TLS required for logins and data: every transfer
 * must resume the control session, on TLS 1.3 (the server's default) and on TLS 1.2 (a server capped at 1.2).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VsftpdTest {
  private static final int BIG = 8 * 1024 * 1024 + 12345;

  @TempDir static Path tmp;
  private Vsftpd tls13;
  private Vsftpd tls12;
  private Vsftpd implicit;
  private Vsftpd implicit12;
  private byte[] big;

  @BeforeAll
  void startServers() throws Exception {
    tls13 = Vsftpd.start(Files.createDirectory(tmp.resolve("v13")), false, null);
    tls12 = Vsftpd.start(Files.createDirectory(tmp.resolve("v12")), false, "TLSv1.2");
    implicit = Vsftpd.start(Files.createDirectory(tmp.resolve("vimp")), true, null);
    implicit12 = Vsftpd.start(Files.createDirectory(tmp.resolve("vimp12")), true, "TLSv1.2");
    big = new byte[BIG];
    new Random(42).nextBytes(big);
  }

  @AfterAll
  void stopServers() throws Exception {
    for (Vsftpd v : new Vsftpd[] {tls13, tls12, implicit, implicit12}) {
      if (v != null) v.close();
    }
  }

  private FtpClient.Builder client(Vsftpd v) throws Exception {
    return FtpClient.builder().client(TlsClient.builder().policy(v.policy()).build());
  }

  private FtpSession login(Vsftpd v, FtpClient c) throws IOException {
    FtpSession s = c.connect("127.0.0.1", v.port, "localhost");
    s.login(Vsftpd.USER, Vsftpd.PASSWORD.toCharArray());
    return s;
  }

  @Test
  void listIsParsedIntoEntriesSinceVsftpdHasNoMlsd() throws Exception {
    ListingFixture fixture = new ListingFixture(tls13.root);
    try (FtpSession s = login(tls13, client(tls13).build())) {
      assertThat(s.features()).doesNotContain("MLST");
      fixture.assertListed(s.listEntries("listing"));
      fixture.assertListed(s.entries("listing")); // no MLSD: entries() parses LIST
      assertThat(s.lastTransfer().protection().sessionResumed()).isTrue();
    }
  }

  @Test
  void abortStopsTransfersAndKeepsTheSessionInStep() throws Exception {
    tls13.put("abort.bin", big);
    try (FtpSession s = login(tls13, client(tls13).build())) {
      AbortChecks.abortsDownloadsUploadsAndListings(s, "abort.bin", big);
    } catch (Exception | AssertionError e) {
      throw new AssertionError(tls13.log(), e);
    }
  }

  @Test
  void controlKeepAliveSendsNoopsDuringSlowTransfers() throws Exception {
    try (FtpSession s = login(tls13, client(tls13).controlKeepAlive(java.time.Duration.ofMillis(20)).build())) {
      KeepAliveChecks.slowTransfersKeepTheControlConnectionInStep(s, java.util.Arrays.copyOf(big, 1 << 20));
    }
    assertThat(tls13.log()).contains("\"NOOP\"");
  }

  @Test
  void asciiModeConvertsLineEndingsBothWays() throws Exception {
    // this vsftpd does no ASCII conversion itself (ascii_*_enable=NO), so its disk holds the wire's bytes
    tls13.put("crlf.txt", "a\r\nb\r\nbare\rcr\r\nend\r".getBytes(StandardCharsets.US_ASCII));
    Path local = Files.writeString(tmp.resolve("lf.txt"), "x\ny\r\nz\n");
    try (FtpSession s = login(tls13, client(tls13).build())) {
      s.ascii(true);
      ByteArrayOutputStream down = new ByteArrayOutputStream();
      TransferResult r = s.retrieve("crlf.txt", down, 0, TransferListener.NONE);
      assertThat(down.toString(StandardCharsets.US_ASCII)).isEqualTo("a\nb\nbare\rcr\nend\r"); // Linux: LF
      assertThat(r.bytes()).isEqualTo(19); // as received
      s.upload(local, "lf-up.txt", false, TransferListener.NONE);
      s.ascii(false);
      ByteArrayOutputStream raw = new ByteArrayOutputStream();
      s.retrieve("crlf.txt", raw, 0, TransferListener.NONE);
      assertThat(raw.toString(StandardCharsets.US_ASCII)).isEqualTo("a\r\nb\r\nbare\rcr\r\nend\r"); // binary again
    }
    assertThat(Files.readString(tls13.root.resolve("lf-up.txt"))).isEqualTo("x\r\ny\r\nz\r\n");
  }

  @Test
  void explicitTls13ResumesTheControlSessionOnEveryDataConnection() throws Exception {
    tls13.put("hello.txt", "hello over TLS 1.3\n".getBytes());
    try (FtpSession s = login(tls13, client(tls13).build())) {
      assertThat(s.securityInfo().protocol()).isEqualTo("TLSv1.3");
      assertThat(s.tlsMode()).isEqualTo(TlsMode.STARTTLS);
      for (int i = 0; i < 4; i++) {
        assertThat(s.names("")).contains("hello.txt");
        DataProtection p = s.lastTransfer().protection();
        assertThat(p.tls()).isTrue();
        assertThat(p.protocol()).isEqualTo("TLSv1.3");
        assertThat(p.sessionResumed()).as("transfer %d resumed", i).isTrue();
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      s.retrieve("hello.txt", out, 0, TransferListener.NONE);
      assertThat(out.toString()).isEqualTo("hello over TLS 1.3\n");
    }
  }

  /** Starts one of the real proxies in a directory of its own. */
  private interface ProxyStart {
    RealProxy start(Path dir) throws Exception;
  }

  /**
   * Passive data connections ask the proxy for the control connection's host: SOCKS5 (microsocks; dante with RFC 1929
   * user/password) and HTTP CONNECT (tinyproxy, without and with Basic authentication), TLS 1.3 (JDK) and 1.2
   * (BouncyCastle).
   */
  @Test
  void controlAndDataConnectionsGoThroughTheTlsClientsProxy() throws Exception {
    List<ProxyStart> proxies = List.of(RealProxy::socks5, RealProxy::httpConnect, dir -> RealProxy.dante(dir, true),
        dir -> RealProxy.httpConnect(dir, "ftpuser", "proxy-pass"));
    for (ProxyStart start : proxies) {
      for (Vsftpd v : new Vsftpd[] {tls13, tls12}) {
        v.put("proxied.txt", "through a proxy\n".getBytes());
        Path dir = Files.createTempDirectory(tmp, "proxy");
        RealProxy proxy = start.start(dir);
        try {
          FtpClient c = FtpClient.builder()
              .client(TlsClient.builder().policy(v.policy()).proxy(proxy.config()).build()).build();
          try (FtpSession s = login(v, c)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TransferResult r = s.retrieve("proxied.txt", out, 0, TransferListener.NONE);
            assertThat(out.toString()).isEqualTo("through a proxy\n");
            assertThat(r.protection().sessionResumed()).isTrue(); // vsftpd requires it
            s.store("up.bin", new ByteArrayInputStream(big, 0, 100_000), TransferListener.NONE);
            assertThat(Files.size(v.root.resolve("up.bin"))).isEqualTo(100_000);
          }
          String control = "127.0.0.1:" + v.port;
          assertThat(proxy.targets()).as("what %s connected to", proxy.config()).contains(control)
              .filteredOn(t -> !t.equals(control)).hasSizeGreaterThanOrEqualTo(2) // the RETR and STOR data
              .allMatch(t -> t.startsWith("127.0.0.1:"));
        } finally {
          proxy.close();
        }
      }
    }
  }

  @Test
  void explicitTls12ResumesWithBouncyCastle() throws Exception {
    tls12.put("hello.txt", "hello over TLS 1.2\n".getBytes());
    try (FtpSession s = login(tls12, client(tls12).build())) {
      assertThat(s.securityInfo().protocol()).isEqualTo("TLSv1.2");
      for (int i = 0; i < 3; i++) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TransferResult r = s.retrieve("hello.txt", out, 0, TransferListener.NONE);
        assertThat(out.toString()).isEqualTo("hello over TLS 1.2\n");
        assertThat(r.protection().protocol()).isEqualTo("TLSv1.2");
        assertThat(r.protection().sessionResumed()).isTrue();
        assertThat(r.protection().mechanism()).contains("BouncyCastle");
      }
    }
  }

  @Test
  void jdkAloneCannotResumeTls12AndSaysSo() throws Exception {
    tls12.put("x.txt", "x".getBytes());
    FtpClient c = client(tls12).dataTlsProvider(DataTlsProvider.JDK).build();
    try (FtpSession s = login(tls12, c)) {
      assertThatThrownBy(() -> s.retrieve("x.txt", new ByteArrayOutputStream(), 0, TransferListener.NONE))
          .isInstanceOfSatisfying(SessionReuseRequiredException.class, e -> {
            assertThat(e.replyCode()).isEqualTo("522");
            assertThat(e.getMessage()).contains("session reuse required").contains("did not resume")
                .contains("TLSv1.2");
            assertThat(e.protection().sessionResumed()).isFalse();
          });
    }
  }

  @Test
  void jdkResumesTls12BySessionIdWhenClientTicketsAreOff() throws Exception {
    tls12.put("id.txt", "by session id".getBytes());
    // Read when a TLS context is created, i.e. when the session connects; tests here run one at a time.
    String key = "jdk.tls.client.enableSessionTicketExtension";
    System.setProperty(key, "false");
    try (FtpSession s = login(tls12, client(tls12).build())) {
      for (int i = 0; i < 2; i++) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TransferResult r = s.retrieve("id.txt", out, 0, TransferListener.NONE);
        assertThat(out.toString()).isEqualTo("by session id");
        assertThat(r.protection().protocol()).isEqualTo("TLSv1.2");
        assertThat(r.protection().mechanism()).startsWith("JDK");
        assertThat(r.protection().sessionResumed()).isTrue();
      }
    } finally {
      System.clearProperty(key);
    }
  }

  @Test
  void bouncyCastleCannotResumeTls13AndSaysSo() throws Exception {
    tls13.put("y.txt", "y".getBytes());
    FtpClient c = client(tls13).dataTlsProvider(DataTlsProvider.BOUNCY_CASTLE).build();
    try (FtpSession s = login(tls13, c)) {
      assertThat(s.securityInfo().protocol()).isEqualTo("TLSv1.3");
      assertThatThrownBy(() -> s.retrieve("y.txt", new ByteArrayOutputStream(), 0, TransferListener.NONE))
          .isInstanceOfSatisfying(SessionReuseRequiredException.class, e -> {
            assertThat(e.replyCode()).isEqualTo("522");
            assertThat(e.getMessage()).contains("did not resume").contains("TLSv1.3");
          });
    }
  }

  /**
   * A server that requires reuse but issues no TLS 1.3 tickets refuses every data connection (522, and vsftpd then
   * ends the session): a typed refusal naming reuse, for listings and downloads; an upload says what it left, and an
   * atomic one leaves the file intact; a download leaves an existing local file intact.
   */
  @Test
  void serverRequiringReuseWithoutTicketsRefusesWithATypedErrorAndUploadsSayWhatTheyLeft() throws Exception {
    try (Vsftpd v = Vsftpd.startWithoutTickets(Files.createDirectory(tmp.resolve("vnotickets")))) {
      byte[] old = new byte[300_000];
      new Random(5).nextBytes(old);
      v.put("old.bin", old);
      Path local = Files.write(tmp.resolve("new.bin"), "new content".getBytes());
      FtpClient c = client(v).build();
      try (FtpSession s = login(v, c)) {
        assertThat(s.securityInfo().protocol()).isEqualTo("TLSv1.3");
        assertThatThrownBy(() -> s.names("")).isInstanceOfSatisfying(SessionReuseRequiredException.class, e -> {
          assertThat(e.replyCode()).isEqualTo("522");
          assertThat(e.getMessage()).contains("NLST").contains("session reuse required")
              .contains("did not resume the control connection's TLS session (TLSv1.3");
        });
      }

      try (FtpSession s = login(v, c)) {
        assertThatThrownBy(() -> s.uploadAtomically(local, "old.bin", TransferListener.NONE))
            .isInstanceOfSatisfying(UploadFailedException.class, e -> {
              assertThat(e.remoteFile()).isEqualTo(UploadFailedException.RemoteFile.UNTOUCHED);
              assertThat(e.getCause()).isInstanceOf(SessionReuseRequiredException.class);
              assertThat(e.getMessage()).contains("old.bin is untouched");
              // vsftpd ends the session after 522, so the temporary file cannot be deleted: the message says so
              assertThat(e.temporaryPath()).hasValueSatisfying(t -> assertThat(e.getMessage()).contains(t
                  + " may remain"));
            });
      }
      assertThat(Files.readAllBytes(v.root.resolve("old.bin"))).isEqualTo(old);

      try (FtpSession s = login(v, c)) {
        assertThatThrownBy(() -> s.upload(local, "old.bin", false, TransferListener.NONE))
            .isInstanceOfSatisfying(UploadFailedException.class, e -> {
              assertThat(e.remoteFile()).isEqualTo(UploadFailedException.RemoteFile.PARTIALLY_WRITTEN);
              assertThat(e.getCause()).isInstanceOf(SessionReuseRequiredException.class);
              assertThat(e.sizeBefore()).isEqualTo(old.length);
              assertThat(e.getMessage()).contains("old.bin may be truncated or partially written (its size is now"
                  + " unknown, 300000 before the upload)");
            });
      }
      assertThat(sizeOf(v.root.resolve("old.bin"))).as("vsftpd truncated it, as the message warned").isZero();

      Path existing = Files.writeString(tmp.resolve("existing-local.txt"), "keep me");
      v.put("remote.txt", "remote".getBytes());
      try (FtpSession s = login(v, c)) {
        assertThatThrownBy(() -> s.download("remote.txt", existing, false, TransferListener.NONE))
            .isInstanceOfSatisfying(DownloadFailedException.class, e -> {
              assertThat(e.getCause()).isInstanceOf(SessionReuseRequiredException.class);
              assertThat(e.bytesKept()).isZero();
              assertThat(e.getMessage()).endsWith("; " + existing + " is untouched; nothing was received");
            });
      }
      assertThat(existing).hasContent("keep me");
      assertThat(tmp.resolve("existing-local.txt.part")).doesNotExist();
    }
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void ipv6UsesEpsvAndEprtAndResumes() throws Exception {
    try (Vsftpd v6 = Vsftpd.start(Files.createDirectory(tmp.resolve("v6")), false, null, true)) {
      v6.put("six.txt", "over IPv6".getBytes());
      for (DataConnectionMode mode : DataConnectionMode.values()) {
        FtpClient c = client(v6).dataConnectionMode(mode).build();
        try (FtpSession s = c.connect("::1", v6.port, "localhost")) {
          s.login(Vsftpd.USER, Vsftpd.PASSWORD.toCharArray());
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          TransferResult r = s.retrieve("six.txt", out, 0, TransferListener.NONE);
          assertThat(out.toString()).isEqualTo("over IPv6");
          assertThat(r.protection().sessionResumed()).as(mode.name()).isTrue();
        }
      }
      assertThat(v6.log()).contains("EPSV").contains("EPRT |2|");
    }
  }

  @Test
  void implicitTlsListsAndDownloadsOnBothVersions() throws Exception {
    for (Vsftpd v : new Vsftpd[] {implicit, implicit12}) {
      v.put("imp.bin", "implicit".getBytes());
      FtpClient c = client(v).tlsMode(TlsMode.IMPLICIT).build();
      try (FtpSession s = login(v, c)) {
        assertThat(s.securityInfo().protocol()).isEqualTo(v == implicit ? "TLSv1.3" : "TLSv1.2");
        assertThat(s.list(null)).anySatisfy(l -> assertThat(l).endsWith("imp.bin"));
        assertThat(s.lastTransfer().protection().sessionResumed()).isTrue();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        s.retrieve("imp.bin", out, 0, TransferListener.NONE);
        assertThat(out.toString()).isEqualTo("implicit");
      }
    }
  }

  @Test
  void autoLooksAtVsftpdOnItsFreePorts() throws Exception {
    // TLS 1.2 only: the session reconnects on BouncyCastle JSSE with the decision made, without a second look
    for (Vsftpd v : new Vsftpd[] {implicit, implicit12}) {
      try (FtpSession s = login(v, client(v).build())) {
        assertThat(s.tlsModeDecision()).isEqualTo(new TlsMode.Decision(TlsMode.IMPLICIT, TlsMode.DecidedBy.LOOKING));
        assertThat(s.names("")).isNotNull();
        assertThat(s.lastTransfer().protection().sessionResumed()).isTrue();
      }
    }
    try (FtpSession s = login(tls12, client(tls12).build())) {
      assertThat(s.tlsModeDecision()).isEqualTo(new TlsMode.Decision(TlsMode.STARTTLS, TlsMode.DecidedBy.LOOKING));
      assertThat(s.securityInfo().protocol()).isEqualTo("TLSv1.2");
    }
  }

  @Test
  void bigFileRoundTripsByteForByteOnBothVersions() throws Exception {
    for (Vsftpd v : new Vsftpd[] {tls13, tls12}) {
      Path local = tmp.resolve("big-" + v.port + ".bin");
      Files.write(local, big);
      try (FtpSession s = login(v, client(v).build())) {
        long[] seen = {0};
        TransferResult up = s.upload(local, "big.bin", false, (done, total) -> seen[0] = done);
        assertThat(up.bytes()).isEqualTo(BIG);
        assertThat(seen[0]).isEqualTo(BIG);
        assertThat(up.protection().sessionResumed()).isTrue();
        assertThat(Files.mismatch(local, v.root.resolve("big.bin"))).isEqualTo(-1L);
        assertThat(s.size("big.bin")).isEqualTo(BIG);

        Path back = tmp.resolve("back-" + v.port + ".bin");
        TransferResult down = s.download("big.bin", back, false, TransferListener.NONE);
        assertThat(down.bytes()).isEqualTo(BIG);
        assertThat(down.protection().sessionResumed()).isTrue();
        assertThat(Files.mismatch(local, back)).isEqualTo(-1L);
        assertThat(back.resolveSibling(back.getFileName() + ".part")).doesNotExist();
      }
    }
  }

  @Test
  void interruptedDownloadLeavesNoFinalFileAndResumes() throws Exception {
    tls13.put("resume.bin", big);
    Path local = tmp.resolve("resume.bin");
    Path part = tmp.resolve("resume.bin.part");
    try (FtpSession s = login(tls13, client(tls13).build())) {
      assertThatThrownBy(() -> s.download("resume.bin", local, false, (done, total) -> {
        if (done > 3_000_000) throw new IllegalStateException("simulated interruption at " + done);
      })).hasMessageContaining("simulated interruption");
      assertThat(local).doesNotExist();
      long partial = Files.size(part);
      assertThat(partial).isBetween(3_000_000L, (long) BIG - 1);
      // the session is still usable after the aborted transfer
      s.noop();
      TransferResult r = s.download("resume.bin", local, true, TransferListener.NONE);
      assertThat(r.offset()).isEqualTo(partial);
      assertThat(r.bytes()).isEqualTo(BIG - partial);
      assertThat(r.protection().sessionResumed()).isTrue();
    }
    assertThat(Files.readAllBytes(local)).isEqualTo(big);
    assertThat(part).doesNotExist();
  }

  @Test
  void renamesDeletesAndManagesDirectories() throws Exception {
    try (FtpSession s = login(tls13, client(tls13).build())) {
      s.store("a.txt", new ByteArrayInputStream("abc".getBytes()), TransferListener.NONE);
      s.append("a.txt", new ByteArrayInputStream("def".getBytes()), TransferListener.NONE);
      s.rename("a.txt", "b.txt");
      assertThat(Files.readString(tls13.root.resolve("b.txt"))).isEqualTo("abcdef");
      assertThat(s.modificationTime("b.txt")).isNotNull();
      String dir = s.mkdir("sub");
      assertThat(dir).endsWith("sub");
      s.cwd("sub");
      assertThat(s.pwd()).endsWith("/sub");
      s.cwd("..");
      assertThat(s.list("")).anySatisfy(l -> assertThat(l).startsWith("-").endsWith(" b.txt"))
          .anySatisfy(l -> assertThat(l).startsWith("d").endsWith(" sub"));
      // vsftpd has no MLSD/MLST; they are covered by transcript tests and the ProFTPD test
      assertThatThrownBy(() -> s.mlsd("")).isInstanceOf(ProtocolException.class);
      s.noop();
      s.delete("b.txt");
      s.rmdir("sub");
      assertThat(tls13.root.resolve("b.txt")).doesNotExist();
      assertThat(tls13.root.resolve("sub")).doesNotExist();
      assertThatThrownBy(() -> s.delete("b.txt")).isInstanceOfSatisfying(ProtocolException.class,
          e -> assertThat(e.replyCode()).isEqualTo("550"));
    }
  }

  @Test
  void activeModeDataConnectionsAlsoResume() throws Exception {
    tls13.put("active.txt", "active".getBytes());
    FtpClient c = client(tls13).dataConnectionMode(DataConnectionMode.ACTIVE).build();
    try (FtpSession s = login(tls13, c)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      TransferResult r = s.retrieve("active.txt", out, 0, TransferListener.NONE);
      assertThat(out.toString()).isEqualTo("active");
      assertThat(r.protection().sessionResumed()).isTrue();
    }
  }

  @Test
  void loginOverPlaintextIsRefusedBeforeTheServerSeesAPassword() throws Exception {
    FtpClient c = FtpClient.builder().tlsMode(TlsMode.OPPORTUNISTIC)
        .client(TlsClient.builder().policy(tls13.policy()).dangerous().allowOpportunisticTls().build()).build();
    // vsftpd offers AUTH TLS, so opportunistic upgrades; the refusal case is covered by the hostile-peer tests
    try (FtpSession s = login(tls13, c)) {
      assertThat(s.securityInfo()).isNotNull();
    }
  }
}
