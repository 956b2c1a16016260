package dev.tlskit.sasl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ProtocolException;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.imap.ImapClient;
import dev.tlskit.imap.ImapLimits;
import dev.tlskit.pop3.Pop3Client;
import dev.tlskit.smtp.SmtpClient;
import dev.tlskit.testpeer.MailTests;
import dev.tlskit.testpeer.ScriptedPeer;
import dev.tlskit.testpeer.TestPki;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SASL mechanisms over SMTP, IMAP and POP3 by scripted transcripts: server lines in, the client's exact bytes
 * compared; plaintext on loopback with TlsMode.NONE (the one case the credential guard lets through).
 */
class SaslTranscriptTest {
  private final TlsClient client = MailTests.plainClient();

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private SmtpClient smtp(ScriptedPeer peer) throws Exception {
    return SmtpClient.connect(client, "127.0.0.1", peer.port(), TlsMode.NONE);
  }

  // ---- mechanism choice ----------------------------------------------------------------------------------------

  @Test
  void plainIsPreferredToLoginAndCramMd5() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: 220 mx", "C: EHLO localhost",
        "S: 250-mx\r\n250 AUTH CRAM-MD5 LOGIN PLAIN GSSAPI",
        "C: AUTH PLAIN AGFsaWNlAHNlY3JldA==", "S: 235 ok")) {
      SmtpClient smtp = smtp(peer);
      smtp.login("alice", "secret".toCharArray());
      smtp.close();
      assertThat(peer.finish()).isEmpty();
    }
  }

  @Test
  void cramMd5AnswersTheRfc2195Example() throws Exception {
    // RFC 2195 section 2: user tim, password tanstaaftanstaaf; the only password mechanism offered, so chosen
    try (ScriptedPeer peer = ScriptedPeer.plain("S: 220 mx", "C: EHLO localhost", "S: 250-mx\r\n250 AUTH CRAM-MD5",
        "C: AUTH CRAM-MD5", "S: 334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+",
        "C: dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw", "S: 235 ok")) {
      SmtpClient smtp = smtp(peer);
      smtp.login("tim", "tanstaaftanstaaf".toCharArray());
      smtp.close();
      assertThat(peer.finish()).isEmpty();
    }
  }

  @Test
  void aToldMechanismTheServerDoesNotOfferSendsNothing() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: 220 mx", "C: EHLO localhost", "S: 250-mx\r\n250 AUTH PLAIN")) {
      SmtpClient smtp = smtp(peer);
      assertThatThrownBy(() -> smtp.login(SaslMechanism.SCRAM_SHA_256, "alice", "secret".toCharArray()))
          .isInstanceOfSatisfying(MechanismNotOfferedException.class, e -> {
            assertThat(e.requested()).isEqualTo("SCRAM-SHA-256");
            assertThat(e.offered()).containsExactly("PLAIN");
          }).hasMessage("no credential was sent: 127.0.0.1 does not offer SCRAM-SHA-256; it offers PLAIN");
      assertThatThrownBy(() -> smtp.loginWithToken("alice", "tok".toCharArray()))
          .isInstanceOf(MechanismNotOfferedException.class).hasMessageContaining("a token mechanism");
      smtp.close();
      assertThat(peer.finish()).isEmpty();
      assertThat(peer.plaintextFromClient()).isEqualTo("EHLO localhost\r\n");
    }
  }

  @ParameterizedTest
  @EnumSource(SaslMechanism.class)
  void noMechanismRunsOverPlaintext(SaslMechanism mechanism) throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: 220 mx", "C: EHLO localhost",
        "S: 250-mx\r\n250 AUTH SCRAM-SHA-256 PLAIN LOGIN CRAM-MD5 OAUTHBEARER XOAUTH2")) {
      SmtpClient smtp = SmtpClient.connect(MailTests.allowingOpportunistic(client), "127.0.0.1", peer.port(),
          TlsMode.OPPORTUNISTIC);
      assertThatThrownBy(() -> smtp.login(mechanism, "alice", "secret".toCharArray()))
          .isInstanceOfSatisfying(TlsSecurityException.class, e -> assertThat(e.reason())
              .isEqualTo(TlsSecurityException.Reason.PLAINTEXT_CREDENTIALS_REFUSED));
      assertThatThrownBy(() -> smtp.loginWithToken("alice", "secret".toCharArray()))
          .isInstanceOf(TlsSecurityException.class);
      smtp.close();
      assertThat(peer.finish()).isEmpty();
      assertThat(peer.plaintextFromClient()).isEqualTo("EHLO localhost\r\n");
    }
  }

  @Test
  void plusIsNeverChosenOverPlaintextAndNamedItSendsNothing() throws Exception {
    // loopback with TlsMode.NONE: credentials may go, but there is no channel to bind to, so SCRAM says "n"
    try (ScriptedPeer peer = ScriptedPeer.plain("S: 220 mx", "C: EHLO localhost",
        "S: 250-mx\r\n250 AUTH SCRAM-SHA-256-PLUS SCRAM-SHA-256 PLAIN")) {
      SmtpClient smtp = smtp(peer);
      assertThatThrownBy(() -> smtp.login(SaslMechanism.SCRAM_SHA_256_PLUS, "alice", "secret".toCharArray()))
          .isInstanceOfSatisfying(ChannelBindingException.class,
              e -> assertThat(e.reason()).isEqualTo(ChannelBindingException.Reason.UNAVAILABLE))
          .hasMessageContaining("no credential was sent").hasMessageContaining("not encrypted");
      smtp.close();
      assertThat(peer.finish()).isEmpty();
      assertThat(peer.plaintextFromClient()).isEqualTo("EHLO localhost\r\n");
    }
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<List<String>> lines = scramImpostor(server, "SCRAM-SHA-256-PLUS SCRAM-SHA-256 PLAIN", null);
      SmtpClient smtp = SmtpClient.connect(client, "127.0.0.1", server.getLocalPort(), TlsMode.NONE);
      assertThatThrownBy(() -> smtp.login("alice", "secret".toCharArray())).isInstanceOf(TlsSecurityException.class);
      smtp.close();
      List<String> got = lines.get(10, TimeUnit.SECONDS);
      assertThat(got.get(1)).startsWith("AUTH SCRAM-SHA-256 ");
      assertThat(new String(Base64.getDecoder().decode(got.get(1).substring("AUTH SCRAM-SHA-256 ".length())),
          StandardCharsets.UTF_8)).startsWith("n,,n=alice,r=");
    }
  }

  // ---- OAuth 2.0 tokens ----------------------------------------------------------------------------------------

  @Test
  void oauthBearerIsPreferredAndNamesHostAndPort() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: 220 mx", "C: EHLO localhost",
        "S: 250-mx\r\n250 AUTH XOAUTH2 OAUTHBEARER", "C: AUTH OAUTHBEARER {base64:n,a=alice@example.com,"
            + "\u0001host=127.0.0.1\u0001port={port}\u0001auth=Bearer ya29.tok\u0001\u0001}", "S: 235 ok")) {
      SmtpClient smtp = smtp(peer);
      smtp.loginWithToken("alice@example.com", "ya29.tok".toCharArray());
      smtp.close();
      assertThat(peer.finish()).isEmpty();
    }
  }

  @Test
  void oauthBearerErrorIsAnsweredWithControlAAndReported() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: 220 mx", "C: EHLO localhost",
        "S: 250-mx\r\n250 AUTH OAUTHBEARER", "C: AUTH OAUTHBEARER {base64:n,a=a=3Db=2Cc,\u0001host=127.0.0.1"
            + "\u0001port={port}\u0001auth=Bearer expired\u0001\u0001}", "S: 334 eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIn0=",
        "C: AQ==", "S: 535 5.7.8 token expired")) {
      SmtpClient smtp = smtp(peer);
      assertThatThrownBy(() -> smtp.login(SaslMechanism.OAUTHBEARER, "a=b,c", "expired".toCharArray()))
          .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.replyCode()).isEqualTo("535"))
          .hasMessageContaining("AUTH OAUTHBEARER refused").hasMessageContaining("invalid_token");
      smtp.close();
      assertThat(peer.finish()).isEmpty();
    }
  }

  @Test
  void pop3Xoauth2SendsALongTokenAfterTheFirstChallenge() throws Exception {
    // Microsoft 365's POP3 login: "AUTH XOAUTH2", "+", then the token; a token makes the line too long for RFC 5034
    String token = "t".repeat(300);
    String ir = b64("user=alice@example.com\u0001auth=Bearer " + token + "\u0001\u0001");
    try (ScriptedPeer peer = ScriptedPeer.plain("S: +OK ready", "C: CAPA",
        "S: +OK\r\nSASL XOAUTH2\r\nUIDL\r\n.", "C: AUTH XOAUTH2", "S: +", "C: " + ir, "S: +OK welcome",
        "C: QUIT", "S: +OK")) {
      Pop3Client pop = Pop3Client.connect(client, "127.0.0.1", peer.port(), "127.0.0.1", TlsMode.NONE);
      pop.loginWithToken("alice@example.com", token.toCharArray());
      pop.quit();
      assertThat(peer.finish()).isEmpty();
    }
  }

  @Test
  void pop3Xoauth2WithAShortTokenGoesInline() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: +OK ready", "C: CAPA", "S: +OK\r\nSASL PLAIN XOAUTH2\r\n.",
        "C: AUTH XOAUTH2 dXNlcj1hbGljZUBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnRvawEB",
        "S: +OK welcome")) {
      Pop3Client pop = Pop3Client.connect(client, "127.0.0.1", peer.port(), "127.0.0.1", TlsMode.NONE);
      pop.login(SaslMechanism.XOAUTH2, "alice@example.com", "ya29.tok".toCharArray());
      pop.close();
      assertThat(peer.finish()).isEmpty();
    }
  }

  @Test
  void imapCramMd5WaitsForTheChallengeEvenWithSaslIr() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: * OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=CRAM-MD5] ready",
        "C: {tag} AUTHENTICATE CRAM-MD5", "S: + PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+",
        "C: dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw", "S: {tag} OK [CAPABILITY IMAP4rev1] done")) {
      ImapClient imap = ImapClient.connect(client, "127.0.0.1", peer.port(), "127.0.0.1", TlsMode.NONE,
          ImapLimits.DEFAULTS);
      imap.login(SaslMechanism.CRAM_MD5, "tim", "tanstaaftanstaaf".toCharArray());
      assertThat(imap.authenticated()).isTrue();
      imap.close();
      assertThat(peer.finish()).isEmpty();
    }
  }

  @Test
  void imapOauthBearerWithoutSaslIrSendsAfterTheEmptyChallenge() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: * OK [CAPABILITY IMAP4rev1 AUTH=OAUTHBEARER AUTH=XOAUTH2] hi",
        "C: {tag} AUTHENTICATE OAUTHBEARER", "S: + ",
        "C: {base64:n,a=alice,\u0001host=127.0.0.1\u0001port={port}\u0001auth=Bearer tok\u0001\u0001}",
        "S: {tag} OK [CAPABILITY IMAP4rev1] in")) {
      ImapClient imap = ImapClient.connect(client, "127.0.0.1", peer.port(), "127.0.0.1", TlsMode.NONE,
          ImapLimits.DEFAULTS);
      imap.loginWithToken("alice", "tok".toCharArray());
      imap.close();
      assertThat(peer.finish()).isEmpty();
    }
  }

  // ---- SCRAM: the server must prove itself ----------------------------------------------------------------------

  /**
   * A server that plays SCRAM without knowing the password: it extends the client's nonce as the RFC says, then
   * either sends a made-up signature or reports success without one. Returns the lines the client sent.
   */
  private static CompletableFuture<List<String>> scramImpostor(ServerSocket server, boolean sendSignature) {
    return scramImpostor(server, "SCRAM-SHA-256 PLAIN",
        sendSignature ? "v=" + Base64.getEncoder().encodeToString(new byte[32]) : null);
  }

  /** As above, offering {@code offered} and ending with {@code serverFinal} (null: success without one). */
  private static CompletableFuture<List<String>> scramImpostor(ServerSocket server, String offered,
      String serverFinal) {
    return CompletableFuture.supplyAsync(() -> {
      List<String> got = new ArrayList<>();
      try (Socket s = server.accept()) {
        s.setSoTimeout(5000);
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = s.getOutputStream();
        out.write("220 mx\r\n".getBytes(StandardCharsets.US_ASCII));
        got.add(in.readLine());
        out.write(("250-mx\r\n250 AUTH " + offered + "\r\n").getBytes(StandardCharsets.US_ASCII));
        String auth = in.readLine();
        got.add(auth);
        String clientFirst = new String(Base64.getDecoder().decode(auth.substring(auth.lastIndexOf(' ') + 1)),
            StandardCharsets.UTF_8);
        String nonce = clientFirst.substring(clientFirst.indexOf(",r=") + 3);
        String serverFirst = "r=" + nonce + "impostor,s=" + b64("salt") + ",i=4096";
        out.write(("334 " + b64(serverFirst) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        got.add(in.readLine()); // client-final with a proof the impostor cannot check
        if (serverFinal != null) {
          out.write(("334 " + b64(serverFinal) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          got.add(in.readLine()); // the cancel
          out.write("501 5.7.0 cancelled\r\n".getBytes(StandardCharsets.US_ASCII));
        } else {
          out.write("235 2.7.0 ok\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        String rest;
        while ((rest = in.readLine()) != null) got.add(rest);
      } catch (Exception e) {
        got.add("server failed: " + e);
      }
      return got;
    });
  }

  @Test
  void scramServerWithAWrongSignatureIsRefusedAndTheExchangeCancelled() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<List<String>> lines = scramImpostor(server, true);
      SmtpClient smtp = SmtpClient.connect(client, "127.0.0.1", server.getLocalPort(), TlsMode.NONE);
      assertThatThrownBy(() -> smtp.login("alice", "secret".toCharArray()))
          .isInstanceOfSatisfying(TlsSecurityException.class, e -> assertThat(e.reason())
              .isEqualTo(TlsSecurityException.Reason.SERVER_PROOF_REJECTED));
      smtp.close();
      List<String> got = lines.get(10, TimeUnit.SECONDS);
      assertThat(got).hasSize(4);
      assertThat(got.get(1)).startsWith("AUTH SCRAM-SHA-256 ");
      assertThat(new String(Base64.getDecoder().decode(got.get(2)), StandardCharsets.UTF_8))
          .startsWith("c=biws,r=").contains("impostor,p=");
      assertThat(got.get(3)).isEqualTo("*");
    }
  }

  @Test
  void scramSuccessWithoutAServerSignatureIsRefused() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<List<String>> lines = scramImpostor(server, false);
      SmtpClient smtp = SmtpClient.connect(client, "127.0.0.1", server.getLocalPort(), TlsMode.NONE);
      assertThatThrownBy(() -> smtp.login("alice", "secret".toCharArray()))
          .isInstanceOfSatisfying(TlsSecurityException.class, e -> assertThat(e.reason())
              .isEqualTo(TlsSecurityException.Reason.SERVER_PROOF_REJECTED))
          .hasMessageContaining("without proving");
      smtp.close();
      assertThat(lines.get(10, TimeUnit.SECONDS)).hasSize(3);
    }
  }

  @Test
  void aServerReportingThatTheBindingsDoNotMatchIsAChannelBindingRefusal() throws Exception {
    // over TLS (RFC 5802's e=channel-bindings-dont-match in place of the server signature)
    try (ServerSocket server = TestPki.get().serverContext().getServerSocketFactory().createServerSocket(0, 1,
        InetAddress.getLoopbackAddress())) {
      CompletableFuture<List<String>> lines = scramImpostor(server, "SCRAM-SHA-256-PLUS SCRAM-SHA-256",
          "e=channel-bindings-dont-match");
      SmtpClient smtp = SmtpClient.connect(MailTests.client(TestPki.get().clientContext()), "127.0.0.1",
          server.getLocalPort(), "localhost", TlsMode.IMPLICIT, "localhost");
      assertThatThrownBy(() -> smtp.login("alice", "secret".toCharArray()))
          .isInstanceOfSatisfying(ChannelBindingException.class, e -> {
            assertThat(e.reason()).isEqualTo(ChannelBindingException.Reason.REJECTED);
            assertThat(e.binding()).isEqualTo(ChannelBinding.TLS_EXPORTER);
          }).hasMessageContaining("channel-bindings-dont-match");
      smtp.close();
      List<String> got = lines.get(10, TimeUnit.SECONDS);
      assertThat(got.get(1)).startsWith("AUTH SCRAM-SHA-256-PLUS ");
      assertThat(new String(Base64.getDecoder().decode(got.get(1).substring("AUTH SCRAM-SHA-256-PLUS ".length())),
          StandardCharsets.UTF_8)).startsWith("p=tls-exporter,,n=alice,r=");
      assertThat(got.get(3)).isEqualTo("*");
    }
  }
}
