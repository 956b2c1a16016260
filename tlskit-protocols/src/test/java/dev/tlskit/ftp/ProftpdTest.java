package dev.tlskit.ftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.TlsClient;
import dev.tlskit.ftp.testing.Proftpd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * FTPS against a second real server, ProFTPD with mod_tls, TLS required and session reuse required: adds MLSD/MLST,
 * REST on uploads, and a server whose TLS 1.2 is configured by its own directive.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProftpdTest {
  @TempDir static Path tmp;
  private Proftpd tls13;
  private Proftpd tls12;

  @BeforeAll
  void start() throws Exception {
    tls13 = Proftpd.start(Files.createDirectory(tmp.resolve("p13")), "TLSv1.3");
    tls12 = Proftpd.start(Files.createDirectory(tmp.resolve("p12")), "TLSv1.2");
  }

  @AfterAll
  void stop() throws Exception {
    for (Proftpd p : new Proftpd[] {tls13, tls12}) {
      if (p != null) p.close();
    }
  }

  private FtpSession login(Proftpd p) throws Exception {
    FtpSession s = FtpClient.builder().client(TlsClient.builder().policy(p.policy()).build()).build()
        .connect("127.0.0.1", p.port, "localhost");
    s.login(Proftpd.USER, Proftpd.PASSWORD.toCharArray());
    return s;
  }

  @Test
  void bothVersionsTransferWithResumedSessions() throws Exception {
    byte[] data = new byte[8 * 1024 * 1024 + 7];
    new Random(3).nextBytes(data);
    Path local = Files.write(tmp.resolve("pbig.bin"), data);
    for (Proftpd p : new Proftpd[] {tls13, tls12}) {
      try (FtpSession s = login(p)) {
        TransferResult up = s.upload(local, "big.bin", false, TransferListener.NONE);
        assertThat(up.protection().sessionResumed()).isTrue();
        assertThat(Files.mismatch(local, p.root.resolve("big.bin"))).isEqualTo(-1L);
        Path back = tmp.resolve("pback-" + p.port);
        TransferResult down = s.download("big.bin", back, false, TransferListener.NONE);
        assertThat(down.protection().sessionResumed()).isTrue();
        assertThat(down.protection().protocol()).isEqualTo(s.securityInfo().protocol());
        assertThat(Files.mismatch(local, back)).isEqualTo(-1L);
      }
      assertThat(p.tlsLog()).contains("client reused TLS session for data connection");
    }
  }

  @Test
  void mlsdAndMlstAreParsed() throws Exception {
    tls13.put("m.txt", "12345".getBytes());
    try (FtpSession s = login(tls13)) {
      assertThat(s.features()).contains("MLST");
      s.mkdir("mdir");
      assertThat(s.mlsd("")).anySatisfy(e -> {
        assertThat(e.name()).isEqualTo("m.txt");
        assertThat(e.isFile()).isTrue();
        assertThat(e.size()).hasValue(5);
        assertThat(e.modified()).isPresent();
      }).anySatisfy(e -> {
        assertThat(e.name()).isEqualTo("mdir");
        assertThat(e.isDirectory()).isTrue();
      });
      FtpEntry one = s.mlst("m.txt");
      assertThat(one.size()).hasValue(5);
      assertThat(one.name()).endsWith("m.txt");
      s.rmdir("mdir");
    }
  }

  @Test
  void listIsParsedLikeMlsd() throws Exception {
    ListingFixture fixture = new ListingFixture(tls13.root);
    try (FtpSession s = login(tls13)) {
      List<FtpEntry> listed = s.listEntries("listing");
      fixture.assertListed(listed);
      // ProFTPD also has MLSD: LIST gives the same sizes and (to LIST's precision) the same times
      for (FtpEntry m : s.mlsd("listing")) {
        if (!m.isFile()) continue;
        FtpEntry l = ListingFixture.find(listed, m.name());
        assertThat(l.size()).isEqualTo(m.size());
        assertThat(l.modified().get()).isBetween(m.modified().get().minus(1, ChronoUnit.DAYS), m.modified().get());
      }
      // entries() prefers MLSD when offered: its raw lines are MLSD facts
      assertThat(s.entries("listing")).extracting(FtpEntry::raw)
          .allMatch(r -> r.toLowerCase(java.util.Locale.ROOT).contains("type="));
    }
  }

  @Test
  void abortStopsTransfersAndKeepsTheSessionInStep() throws Exception {
    byte[] content = new byte[8 * 1024 * 1024];
    new Random(11).nextBytes(content);
    tls13.put("abort.bin", content);
    try (FtpSession s = login(tls13)) {
      AbortChecks.abortsDownloadsUploadsAndListings(s, "abort.bin", content);
    }
  }

  @Test
  void controlKeepAliveSendsNoopsDuringSlowTransfers() throws Exception {
    byte[] content = new byte[1 << 20];
    new Random(13).nextBytes(content);
    try (FtpSession s = FtpClient.builder().client(TlsClient.builder().policy(tls13.policy()).build())
        .controlKeepAlive(java.time.Duration.ofMillis(20)).build().connect("127.0.0.1", tls13.port, "localhost")) {
      s.login(Proftpd.USER, Proftpd.PASSWORD.toCharArray());
      KeepAliveChecks.slowTransfersKeepTheControlConnectionInStep(s, content);
    }
    assertThat(tls13.commandLog()).contains("NOOP");
  }

  @Test
  void clearCommandChannelGoesPlaintextAndKeepsDataProtected() throws Exception {
    try (Proftpd p = Proftpd.start(Files.createDirectory(tmp.resolve("pccc")), "TLSv1.3", "auth+data")) {
      p.put("c.txt", "cleared".getBytes(StandardCharsets.US_ASCII));
      FtpClient.Builder b = FtpClient.builder().client(TlsClient.builder().policy(p.policy()).build());
      try (FtpSession s = b.build().connect("127.0.0.1", p.port, "localhost")) {
        s.login(Proftpd.USER, Proftpd.PASSWORD.toCharArray());
        assertThatThrownBy(s::clearCommandChannel).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("dangerous().allowClearCommandChannel()");
      }
      b.dangerous().allowClearCommandChannel();
      try (FtpSession s = b.build().connect("127.0.0.1", p.port, "localhost")) {
        assertThatThrownBy(s::clearCommandChannel).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("after login");
        s.login(Proftpd.USER, Proftpd.PASSWORD.toCharArray());
        s.clearCommandChannel();
        assertThat(s.commandChannelCleared()).isTrue();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TransferResult r = s.retrieve("c.txt", out, 0, TransferListener.NONE);
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("cleared");
        assertThat(r.protection().tls()).isTrue(); // PROT P still
        assertThat(r.protection().sessionResumed()).isTrue();
        assertThat(s.pwd()).isEqualTo("/");
        s.quit();
      }
      assertThat(p.commandLog()).contains("CCC");
      assertThat(p.tlsLog()).contains("clearing control channel protection");
    }
  }

  @Test
  void clearCommandChannelRefusedByTheServerIsAProtocolError() throws Exception {
    try (FtpSession s = FtpClient.builder().client(TlsClient.builder().policy(tls13.policy()).build())
        .dangerous().allowClearCommandChannel().build().connect("127.0.0.1", tls13.port, "localhost")) {
      s.login(Proftpd.USER, Proftpd.PASSWORD.toCharArray());
      // TLSRequired on: ProFTPD keeps the control connection protected
      assertThatThrownBy(s::clearCommandChannel).isInstanceOf(dev.tlskit.ProtocolException.class)
          .hasMessageContaining("534");
      assertThat(s.commandChannelCleared()).isFalse();
      assertThat(s.securityInfo()).isNotNull();
      assertThat(s.pwd()).isEqualTo("/"); // still TLS, still in step
    }
  }

  @Test
  void asciiModeRoundTripsTextThroughAServerThatConvertsToo() throws Exception {
    tls13.put("unix.txt", "m\nn\n".getBytes(StandardCharsets.US_ASCII)); // ProFTPD sends it as m CRLF n CRLF
    Path local = Files.writeString(tmp.resolve("text-up.txt"), "p\nq\n");
    try (FtpSession s = login(tls13)) {
      s.ascii(true);
      ByteArrayOutputStream down = new ByteArrayOutputStream();
      TransferResult r = s.retrieve("unix.txt", down, 0, TransferListener.NONE);
      assertThat(down.toString(StandardCharsets.US_ASCII)).isEqualTo("m\nn\n");
      assertThat(r.bytes()).isEqualTo(6); // CRLF on the wire
      s.upload(local, "text-up.txt", false, TransferListener.NONE);
    }
    assertThat(Files.readString(tls13.root.resolve("text-up.txt"))).isEqualTo("p\nq\n"); // CRLF back to LF
  }

  @Test
  void interruptedUploadResumesWithRest() throws Exception {
    byte[] data = new byte[3_000_000];
    new Random(5).nextBytes(data);
    Path local = Files.write(tmp.resolve("resume-up.bin"), data);
    tls12.put("resume-up.bin", java.util.Arrays.copyOf(data, 1_234_567)); // what an interrupted upload left
    try (FtpSession s = login(tls12)) {
      TransferResult r = s.upload(local, "resume-up.bin", true, TransferListener.NONE);
      assertThat(r.offset()).isEqualTo(1_234_567);
      assertThat(r.bytes()).isEqualTo(data.length - 1_234_567);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      s.retrieve("resume-up.bin", out, 0, TransferListener.NONE);
      assertThat(out.toByteArray()).isEqualTo(data);
    } catch (IOException e) {
      throw new AssertionError(tls12.tlsLog(), e);
    }
  }

  @Test
  void atomicUploadRenamesOverAnExistingFile() throws Exception {
    tls13.put("target.txt", "old".getBytes());
    Path local = Files.writeString(tmp.resolve("atomic-new.txt"), "new");
    try (FtpSession s = login(tls13)) {
      TransferResult r = s.uploadAtomically(local, "target.txt", TransferListener.NONE);
      assertThat(r.path()).isEqualTo("target.txt");
      assertThat(r.protection().sessionResumed()).isTrue();
    }
    assertThat(tls13.root.resolve("target.txt")).hasContent("new");
    try (var files = Files.list(tls13.root)) {
      assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.contains(".tlskit-"));
    }
  }

  @Test
  void aDataConnectionThatDidNotResumeIsRefusedByTheServerWithATypedError() throws Exception {
    tls13.put("r.txt", "r".getBytes());
    // BouncyCastle's client does not resume TLS 1.3 sessions: ProFTPD, requiring reuse, refuses the connection
    FtpSession s = FtpClient.builder().client(TlsClient.builder().policy(tls13.policy()).build())
        .dataTlsProvider(DataTlsProvider.BOUNCY_CASTLE).build()
        .connect("127.0.0.1", tls13.port, "localhost");
    try (s) {
      s.login(Proftpd.USER, Proftpd.PASSWORD.toCharArray());
      assertThatThrownBy(() -> s.retrieve("r.txt", new ByteArrayOutputStream(), 0, TransferListener.NONE))
          .isInstanceOfSatisfying(SessionReuseRequiredException.class, e -> {
            assertThat(e.replyCode()).isEqualTo("425");
            assertThat(e.getMessage()).contains("RETR r.txt").contains("did not resume");
            assertThat(e.protection().protocol()).isEqualTo("TLSv1.3");
          });
    }
    assertThat(tls13.tlsLog()).contains("NoSessionReuseRequired");
  }
}
