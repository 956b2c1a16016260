package dev.tlskit.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ProtocolException;
import dev.tlskit.TlsMode;
import dev.tlskit.testpeer.MailTests;
import dev.tlskit.testpeer.ScriptedPeer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sequence-number commands and the raw command API against scripted server lines. */
class ImapSequenceAndRawTranscriptTest {
  private static final String GREETING = "S: * PREAUTH [CAPABILITY IMAP4rev1 MOVE] ready";

  private static ImapClient connect(ScriptedPeer peer, ImapLimits limits) throws Exception {
    return ImapClient.connect(MailTests.plainClient(), "127.0.0.1", peer.port(), "127.0.0.1", TlsMode.NONE, limits);
  }

  @Test
  void sequenceNumberFormsSendNoUidAndMatchByNumber() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(GREETING,
        "C: {tag} SEARCH UNSEEN", "S: * SEARCH 2 3\r\n{tag} OK",
        "C: {tag} FETCH 2:3 (UID FLAGS RFC822.SIZE ENVELOPE)",
        "S: * 2 FETCH (UID 40 FLAGS () RFC822.SIZE 5 ENVELOPE (NIL \"s\" NIL NIL NIL NIL NIL NIL NIL NIL))\r\n{tag} OK",
        "C: {tag} FETCH 3 (UID FLAGS BODY.PEEK[])",
        "S: * 1 FETCH (FLAGS (\\Seen))\r\n* 3 FETCH (UID 41 FLAGS () BODY[] {2}\r\nhi)\r\n{tag} OK",
        "C: {tag} FETCH 3 (UID BODYSTRUCTURE)",
        "S: * 3 FETCH (UID 41 BODYSTRUCTURE (\"text\" \"plain\" NIL NIL NIL \"base64\" 4 1))\r\n{tag} OK",
        "C: {tag} FETCH 3 (UID BODY.PEEK[1])", "S: * 3 FETCH (UID 41 BODY[1] {4}\r\naGk=)\r\n{tag} OK",
        "C: {tag} FETCH 3 (UID BODY.PEEK[1])", "S: * 2 FETCH (UID 40 BODY[1] {4}\r\naGk=)\r\n{tag} OK",
        "C: {tag} STORE 2 -FLAGS (\\Seen)", "S: {tag} OK",
        "C: {tag} COPY 2:3 \"Archive\"", "S: {tag} OK",
        "C: {tag} MOVE 3 \"Archive\"", "S: * 3 EXPUNGE\r\n{tag} OK")) {
      ImapClient imap = connect(peer, ImapLimits.DEFAULTS);
      ImapClient.BySequence seq = imap.bySequence();
      assertThat(seq.search("UNSEEN")).containsExactly(2L, 3L);
      assertThat(seq.fetchEnvelopes("2:3")).singleElement().extracting(ImapMessage::sequence).isEqualTo(2L);
      assertThat(seq.fetchMessage(3)).get().extracting(ImapMessage::uid).isEqualTo(41L);
      BodyStructure b = seq.bodyStructure(3).orElseThrow();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertThat(seq.fetchPart(3, b, true, out)).isTrue();
      assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("hi");
      assertThatThrownBy(() -> seq.fetchSection(3, "1", new ByteArrayOutputStream()))
          .isInstanceOf(ProtocolException.class).hasMessageContaining("of message 2 when message 3 was asked");
      seq.store("2", "-FLAGS", List.of("\\Seen"));
      seq.copy("2:3", "Archive");
      seq.move("3", "Archive");
      assertThatThrownBy(() -> seq.copy("1 UID", "x")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("sequence set");
    }
  }

  @Test
  void rawCommandsQuoteStringsSendLiteralsAndReturnRefusals() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(GREETING,
        "C: {tag} GETQUOTAROOT \"INBOX\"",
        "S: * QUOTAROOT INBOX \"\"\r\n* QUOTA \"\" (STORAGE 10 512)\r\n{tag} OK",
        "C: {tag} APPEND \"Box\" {3}", "S: + go", "C: abc", "S: {tag} NO [TRYCREATE] no such box",
        "C: {tag} SETMETADATA \"%s\" {5}", "S: + go", "C: caf\u00e9", "S: {tag} BAD no",
        "C: {tag} XWHATEVER", "S: + more please")) {
      ImapClient imap = connect(peer, ImapLimits.DEFAULTS);
      ImapCommandResult quota = imap.command("GETQUOTAROOT", "INBOX");
      assertThat(quota.ok()).isTrue();
      assertThat(quota.untagged()).extracting(ImapResponse::type).containsExactly("QUOTAROOT", "QUOTA");
      ImapCommandResult append = imap.command("APPEND", "Box",
          "abc".getBytes(StandardCharsets.US_ASCII));
      assertThat(append.ok()).isFalse();
      assertThat(append.tagged().codeName()).isEqualTo("TRYCREATE");
      assertThat(imap.command("SETMETADATA", "%s", "caf\u00e9").tagged().type()).isEqualTo("BAD");
      assertThatThrownBy(() -> imap.command("XWHATEVER")).isInstanceOf(ProtocolException.class)
          .hasMessageContaining("continuation request");
    }
  }

  @Test
  void rawCommandsAreBoundedByTheLimitsAndRefuseStateChangesAndInjection() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(GREETING,
        "C: {tag} XBIG", "S: * XBIG {5000}")) {
      ImapClient imap = connect(peer, new ImapLimits(1024, 4096, 8192, 8));
      for (String verb : List.of("STARTTLS", "login x y", "AUTHENTICATE PLAIN", "IDLE", "select INBOX", "COMPRESS")) {
        assertThatThrownBy(() -> imap.command(verb)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("use its method");
      }
      assertThatThrownBy(() -> imap.command("NOOP\r\nA1 LOGOUT")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> imap.command("NOOP", "a\nb")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> imap.command("NOOP", 42)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("String or byte[]");
      assertThatThrownBy(() -> imap.command("(NOOP)")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> imap.command("XBIG")).isInstanceOf(ProtocolException.class)
          .hasMessageContaining("exceeds the limit of 4096");
    }
  }
}
