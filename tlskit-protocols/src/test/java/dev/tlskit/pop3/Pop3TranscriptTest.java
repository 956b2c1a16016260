package dev.tlskit.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ProtocolException;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.testpeer.MailTests;
import dev.tlskit.testpeer.ScriptedPeer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Scripted server lines in, the client's exact bytes compared; plaintext on loopback with TlsMode.NONE. */
class Pop3TranscriptTest {
  private final TlsClient client = MailTests.plainClient();

  private Pop3Client connect(ScriptedPeer peer) throws Exception {
    return Pop3Client.connect(client, "127.0.0.1", peer.port(), TlsMode.NONE);
  }

  @Test
  void dropCommands() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: +OK POP3 ready",
        "C: CAPA", "S: +OK\r\nUSER\r\nUIDL\r\nTOP\r\n.",
        "C: USER alice", "S: +OK", "C: PASS secret", "S: +OK 2 messages",
        "C: STAT", "S: +OK 2 320",
        "C: LIST", "S: +OK 2 messages\r\n1 120\r\n2 200\r\n.",
        "C: UIDL", "S: +OK\r\n1 abc\r\n2 def\r\n.",
        "C: TOP 1 0", "S: +OK\r\nSubject: =?UTF-8?B?R3LDvMOfZQ==?=\r\nFrom: Bob\r\n <bob@x>\r\n\r\n.",
        "C: RETR 2", "S: +OK 200 octets\r\nSubject: hi\r\n\r\n..dotted\r\nplain\r\n.",
        "C: RETR 2", "S: +OK\r\nbody\r\n.",
        "C: DELE 2", "S: +OK deleted",
        "C: RSET", "S: +OK",
        "C: NOOP", "S: +OK",
        "C: QUIT", "S: +OK bye")) {
      Pop3Client pop = connect(peer);
      assertThat(pop.capabilities()).containsExactlyInAnyOrder("USER", "UIDL", "TOP");
      pop.login("alice", "secret".toCharArray());
      assertThat(pop.stat()).isEqualTo(new Pop3Stat(2, 320));
      assertThat(pop.list()).containsExactly(new Pop3Listing(1, 120), new Pop3Listing(2, 200));
      assertThat(pop.uidl()).isEqualTo(Map.of(1, "abc", 2, "def"));
      assertThat(pop.headers(1)).containsEntry("subject", "Gr\u00fc\u00dfe").containsEntry("from", "Bob <bob@x>");
      assertThat(new String(pop.retr(2), StandardCharsets.US_ASCII)).isEqualTo("Subject: hi\r\n\r\n.dotted\r\nplain\r\n");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      pop.retr(2, out);
      assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("body\r\n");
      pop.dele(2);
      pop.rset();
      pop.noop();
      pop.quit();
      assertThat(peer.finish()).isEmpty();
    }
  }

  @Test
  void authPlainSendsTheInitialResponse() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: +OK hi", "C: CAPA", "S: -ERR unknown",
        "C: AUTH PLAIN AGFsaWNlAHNlY3JldA==", "S: +OK in")) {
      Pop3Client pop = connect(peer);
      assertThat(pop.capabilities()).isEmpty();
      pop.authPlain("alice", "secret".toCharArray());
      pop.close();
      assertThat(peer.finish()).isEmpty();
    }
  }

  @Test
  void refusalsAreTypedAndNeverRepeatThePassword() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: +OK hi", "C: CAPA", "S: -ERR",
        "C: USER alice", "S: +OK", "C: PASS hunter2", "S: -ERR [AUTH] invalid login")) {
      Pop3Client pop = connect(peer);
      assertThatThrownBy(() -> pop.login("alice", "hunter2".toCharArray()))
          .isInstanceOfSatisfying(ProtocolException.class, e -> {
            assertThat(e.replyCode()).isEqualTo("-ERR");
            assertThat(e.replyText()).isEqualTo("[AUTH] invalid login");
          })
          .hasMessageStartingWith("PASS refused").hasMessageNotContaining("hunter2");
      pop.close();
      assertThat(peer.finish()).isEmpty();
    }
  }

  @Test
  void apopIsRefusedOverPlaintextEvenOnLoopback() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: +OK ready <1896.697170952@dbc.mtview.ca.us>",
        "C: CAPA", "S: -ERR")) {
      Pop3Client pop = connect(peer);
      assertThatThrownBy(() -> pop.apop("mrose", "tanstaaf".toCharArray()))
          .isInstanceOfSatisfying(TlsSecurityException.class, e -> assertThat(e.reason())
              .isEqualTo(TlsSecurityException.Reason.PLAINTEXT_CREDENTIALS_REFUSED));
      pop.close();
      assertThat(peer.finish()).isEmpty();
    }
  }

  @Test
  void malformedAndOversizedRepliesAreProtocolErrors() throws Exception {
    for (String bad : List.of("OK ready", "+OKAY", "x".repeat(70_000))) {
      try (ScriptedPeer peer = ScriptedPeer.plain("S: " + bad)) {
        assertThatThrownBy(() -> connect(peer)).isInstanceOf(ProtocolException.class);
        peer.finish();
      }
    }
    try (ScriptedPeer peer = ScriptedPeer.plain("S: +OK", "C: CAPA", "S: -ERR", "C: STAT", "S: +OK many lots")) {
      Pop3Client pop = connect(peer);
      assertThatThrownBy(pop::stat).isInstanceOf(ProtocolException.class).hasMessageContaining("\"many\"");
      pop.close();
      peer.finish();
    }
  }

  @Test
  void argumentsWithLineBreaksAreRejected() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: +OK", "C: CAPA", "S: -ERR")) {
      Pop3Client pop = connect(peer);
      assertThatThrownBy(() -> pop.login("alice\r\nDELE 1", "x".toCharArray()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("user must not contain");
      assertThatThrownBy(() -> pop.retr(0)).isInstanceOf(IllegalArgumentException.class);
      pop.close();
      assertThat(peer.finish()).isEmpty();
    }
  }
}
