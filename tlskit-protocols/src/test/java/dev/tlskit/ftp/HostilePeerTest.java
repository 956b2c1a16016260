package dev.tlskit.ftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.TlsClient;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.TlsSecurityException.Reason;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A server that refuses, lacks or subverts AUTH TLS never gets credentials, and the client says why. */
class HostilePeerTest {
  private static final String HELLO = "220 hostile ftp\r\n";

  private static FtpClient client(TlsMode mode) {
    // OPPORTUNISTIC is the dangerous door of the TLS client; the other modes need nothing
    TlsClient.Builder tls = TlsClient.builder();
    if (mode == TlsMode.OPPORTUNISTIC) tls.dangerous().allowOpportunisticTls();
    return FtpClient.builder().tlsMode(mode).client(tls.build()).build();
  }

  @Test
  void authTlsRefusedStopsBeforeCredentials() throws Exception {
    try (ScriptedFtpServer srv = new ScriptedFtpServer(HELLO, "534 not today\r\n")) {
      assertThatThrownBy(() -> client(TlsMode.STARTTLS).connect("127.0.0.1", srv.port()))
          .isInstanceOfSatisfying(TlsSecurityException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.UPGRADE_REFUSED))
          .hasMessageContaining("534 not today");
      assertThat(srv.receivedAfterClose()).containsExactly("AUTH TLS");
    }
  }

  @Test
  void authTlsAbsentIsReportedAsNotOffered() throws Exception {
    try (ScriptedFtpServer srv = new ScriptedFtpServer(HELLO, "500 AUTH not understood\r\n")) {
      assertThatThrownBy(() -> client(TlsMode.AUTO).connect("127.0.0.1", srv.port()))
          .isInstanceOfSatisfying(TlsSecurityException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.UPGRADE_NOT_OFFERED));
      assertThat(srv.receivedAfterClose()).containsExactly("AUTH TLS");
    }
  }

  @Test
  void authTlsDiscardsInjectedReplies() throws Exception {
    // A man in the middle appends a reply to the 234 so that it would be read as the server's answer after TLS.
    try (ScriptedFtpServer srv = new ScriptedFtpServer(HELLO, "234 go ahead\r\n230 injected: logged in\r\n")) {
      assertThatThrownBy(() -> client(TlsMode.STARTTLS).connect("127.0.0.1", srv.port()))
          .isInstanceOfSatisfying(TlsSecurityException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.INJECTION_DETECTED))
          .hasMessageContaining("230 injected");
      assertThat(srv.receivedAfterClose()).containsExactly("AUTH TLS");
    }
  }

  @Test
  void opportunisticPlaintextRefusesToSendThePassword() throws Exception {
    try (ScriptedFtpServer srv = new ScriptedFtpServer(HELLO, "502 no TLS here\r\n", "500 no FEAT\r\n")) {
      FtpSession s = client(TlsMode.OPPORTUNISTIC).connect("127.0.0.1", srv.port());
      assertThat(s.securityInfo()).isNull();
      assertThatThrownBy(() -> s.login("alice", "secret".toCharArray()))
          .isInstanceOfSatisfying(TlsSecurityException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.PLAINTEXT_CREDENTIALS_REFUSED));
      s.abandon();
      assertThat(srv.receivedAfterClose()).containsExactly("AUTH TLS", "FEAT").noneMatch(l -> l.contains("alice"));
    }
  }

  @Test
  void plaintextOnLoopbackWhenAskedByNameSendsExactlyTheseBytes() throws Exception {
    try (ScriptedFtpServer srv = new ScriptedFtpServer(HELLO,
        "211-Features:\r\n UTF8\r\n EPSV\r\n211 End\r\n", "200 ok\r\n", "331 pass?\r\n", "230 in\r\n",
        "200 binary\r\n", "221 bye\r\n")) {
      try (FtpSession s = client(TlsMode.NONE).connect("127.0.0.1", srv.port())) {
        assertThat(s.features()).contains("UTF8", "EPSV");
        s.login("alice", "secret".toCharArray());
      }
      assertThat(srv.receivedAfterClose())
          .containsExactly("FEAT", "OPTS UTF8 ON", "USER alice", "PASS secret", "TYPE I", "QUIT");
    }
  }

  @Test
  void commandArgumentsWithLineBreaksAreRefusedUnsent() throws Exception {
    try (ScriptedFtpServer srv = new ScriptedFtpServer(HELLO, "500 no FEAT\r\n", "221 bye\r\n")) {
      try (FtpSession s = client(TlsMode.NONE).connect("127.0.0.1", srv.port())) {
        assertThatThrownBy(() -> s.delete("a.txt\r\nDELE important.db"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CR, LF");
        assertThatThrownBy(() -> s.login("alice\nSITE x", "p".toCharArray()))
            .isInstanceOf(IllegalArgumentException.class);
      }
      assertThat(srv.receivedAfterClose()).containsExactly("FEAT", "QUIT");
    }
  }

  @Test
  void pasvToAForeignAddressConnectsToTheControlHostInstead() throws Exception {
    try (ServerSocket data = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int p = data.getLocalPort();
      Thread.ofVirtual().start(() -> {
        try (Socket d = data.accept(); OutputStream o = d.getOutputStream()) {
          o.write("a.txt\r\nb.txt\r\n".getBytes(StandardCharsets.US_ASCII));
        } catch (Exception ignored) {
          // asserted on the client side
        }
      });
      // EPSV unsupported, so the client falls back to PASV, which names a host that is not the server.
      String pasv = "227 Entering Passive Mode (10,66,66,66," + (p >> 8) + "," + (p & 0xff) + ")\r\n";
      try (ScriptedFtpServer srv = new ScriptedFtpServer(HELLO, "500 no FEAT\r\n", "502 no EPSV\r\n", pasv,
          "150 here it comes\r\n226 done\r\n", "221 bye\r\n")) {
        try (FtpSession s = client(TlsMode.NONE).connect("127.0.0.1", srv.port())) {
          assertThat(s.names(null)).containsExactly("a.txt", "b.txt");
          assertThat(s.lastTransfer().protection()).isEqualTo(DataProtection.CLEAR);
        }
        assertThat(srv.receivedAfterClose()).containsExactly("FEAT", "EPSV", "PASV", "NLST", "QUIT");
      }
    }
  }

  @Test
  void overlongRepliesAreRefused() throws Exception {
    try (ScriptedFtpServer srv = new ScriptedFtpServer("220-" + "x".repeat(20_000) + "\r\n")) {
      assertThatThrownBy(() -> client(TlsMode.NONE).connect("127.0.0.1", srv.port()))
          .isInstanceOf(dev.tlskit.ProtocolException.class).hasMessageContaining("longer than");
    }
  }

  @Test
  void downloadCutShortIsAnErrorEvenWhenTheServerSaysDone() throws Exception {
    try (ServerSocket data = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> {
        try (Socket d = data.accept(); OutputStream o = d.getOutputStream()) {
          o.write(new byte[10]); // of 100 announced by SIZE
        } catch (Exception ignored) {
          // asserted on the client side
        }
      });
      try (ScriptedFtpServer srv = new ScriptedFtpServer(HELLO, "500 no FEAT\r\n", "213 100\r\n",
          "229 Entering Extended Passive Mode (|||" + data.getLocalPort() + "|)\r\n", "150 go\r\n226 done\r\n",
          "221 bye\r\n")) {
        try (FtpSession s = client(TlsMode.NONE).connect("127.0.0.1", srv.port())) {
          assertThatThrownBy(() -> s.retrieve("f.bin", OutputStream.nullOutputStream(), 0, (done, total) -> { }))
              .isInstanceOf(dev.tlskit.ProtocolException.class).hasMessageContaining("cut short");
        }
      }
    }
  }
}
