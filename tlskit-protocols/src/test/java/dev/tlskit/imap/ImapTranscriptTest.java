package dev.tlskit.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ProtocolException;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsMode;
import dev.tlskit.testpeer.MailTests;
import dev.tlskit.testpeer.ScriptedPeer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scripted server lines in, the client's exact bytes compared ({tag} stands for the random tag). */
class ImapTranscriptTest {
  private static final String GREETING = "S: * OK [CAPABILITY IMAP4rev1 IDLE MOVE] ready";
  private final TlsClient client = MailTests.plainClient();

  private ImapClient connect(ScriptedPeer peer) throws Exception {
    return ImapClient.connect(client, "127.0.0.1", peer.port(), TlsMode.NONE);
  }

  @Test
  void mailboxAndMessageCommands() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(GREETING,
        "C: {tag} LOGIN \"alice\" \"s3cr\\\"et\"",
        "S: {tag} OK [CAPABILITY IMAP4rev1 IDLE MOVE UIDPLUS] logged in",
        "C: {tag} LIST \"\" \"*\"",
        "S: * LIST (\\HasNoChildren) \"/\" INBOX\r\n* LIST (\\HasNoChildren \\Drafts) \"/\" \"Entw&APw-rfe\"\r\n"
            + "{tag} OK done",
        "C: {tag} SELECT \"INBOX\"",
        "S: * FLAGS (\\Seen \\Deleted)\r\n* 2 EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 42] v\r\n"
            + "* OK [UIDNEXT 9] n\r\n{tag} OK [READ-WRITE] selected",
        "C: {tag} EXAMINE \"Entw&APw-rfe\"",
        "S: * 0 EXISTS\r\n{tag} OK [READ-ONLY] examined",
        "C: {tag} STATUS \"INBOX\" (MESSAGES UIDNEXT)",
        "S: * STATUS INBOX (MESSAGES 2 UIDNEXT 9)\r\n{tag} OK",
        "C: {tag} UID SEARCH UNSEEN",
        "S: * SEARCH 7 8\r\n{tag} OK",
        "C: {tag} UID FETCH 7:8 (UID FLAGS RFC822.SIZE ENVELOPE)",
        "S: * 1 FETCH (UID 7 FLAGS (\\Seen) RFC822.SIZE 120 ENVELOPE (\"Mon, 1 Jan 2024 10:00:00 +0000\" "
            + "\"=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\" ((\"Bob\" NIL \"bob\" \"example.com\")) NIL NIL "
            + "((NIL NIL \"alice\" \"example.com\")) NIL NIL NIL \"<1@x>\"))\r\n{tag} OK",
        "C: {tag} UID FETCH 8 (UID FLAGS BODY.PEEK[])",
        "S: * 2 FETCH (UID 8 FLAGS () BODY[] {7}\r\nHi\r\nyo!)\r\n{tag} OK",
        "C: {tag} UID STORE 7 +FLAGS.SILENT (\\Seen \\Flagged)", "S: {tag} OK",
        "C: {tag} UID COPY 7 \"Archive\"", "S: {tag} OK [COPYUID 42 7 1] copied",
        "C: {tag} UID MOVE 7 \"Entw&APw-rfe\"", "S: * 1 EXPUNGE\r\n{tag} OK moved",
        "C: {tag} EXPUNGE", "S: * 3 EXPUNGE\r\n* 3 EXPUNGE\r\n{tag} OK",
        "C: {tag} APPEND \"INBOX\" (\\Seen) {4}", "S: + go on", "C: a", "C: b", "S: {tag} OK [APPENDUID 42 10] ok",
        "C: {tag} NOOP", "S: * 4 EXISTS\r\n{tag} OK",
        "C: {tag} LOGOUT", "S: * BYE bye\r\n{tag} OK")) {
      ImapClient imap = connect(peer);
      imap.login("alice", "s3cr\"et".toCharArray());
      assertThat(imap.capabilities()).contains("UIDPLUS");
      assertThat(imap.list("", "*")).containsExactly(
          new ListEntry("INBOX", "/", List.of("\\HasNoChildren")),
          new ListEntry("Entw\u00fcrfe", "/", List.of("\\HasNoChildren", "\\Drafts")));
      MailboxInfo inbox = imap.select("INBOX");
      assertThat(inbox).isEqualTo(new MailboxInfo("INBOX", 2, 0, 42, 9, List.of("\\Seen", "\\Deleted"), false));
      assertThat(imap.examine("Entw\u00fcrfe").readOnly()).isTrue();
      assertThat(imap.status("INBOX", "MESSAGES", "UIDNEXT")).containsEntry("MESSAGES", 2L).containsEntry("UIDNEXT", 9L);
      assertThat(imap.uidSearch("UNSEEN")).containsExactly(7L, 8L);
      ImapMessage m = imap.fetchEnvelopes("7:8").get(0);
      assertThat(m.uid()).isEqualTo(7);
      assertThat(m.size()).isEqualTo(120);
      assertThat(m.flags()).containsExactly("\\Seen");
      assertThat(m.envelope().subject()).isEqualTo("Gr\u00fc\u00dfe");
      assertThat(m.envelope().from()).extracting(Object::toString).containsExactly("Bob <bob@example.com>");
      assertThat(m.envelope().to()).extracting(Envelope.Address::email).containsExactly("alice@example.com");
      assertThat(m.envelope().messageId()).isEqualTo("<1@x>");
      assertThat(imap.fetchMessage(8)).get().extracting(ImapMessage::body)
          .isEqualTo("Hi\r\nyo!".getBytes(StandardCharsets.US_ASCII));
      imap.store("7", "+FLAGS.SILENT", List.of("\\Seen", "\\Flagged"));
      imap.copy("7", "Archive");
      imap.move("7", "Entw\u00fcrfe");
      assertThat(imap.expunge()).containsExactly(3L, 3L);
      imap.append("INBOX", List.of("\\Seen"), "a\r\nb".getBytes(StandardCharsets.US_ASCII));
      assertThat(imap.noop()).extracting(ImapResponse::type).containsExactly("EXISTS");
      imap.logout();
      assertThat(peer.finish()).isEmpty();
      List<String> tags = Arrays.stream(peer.plaintextFromClient().split("\r\n"))
          .filter(l -> l.matches("[A-Z0-9]{8} .*")).map(l -> l.substring(0, 8)).toList();
      assertThat(tags).hasSize(15).doesNotHaveDuplicates();
    }
  }

  @Test
  void idleWaitsForUpdatesThenSendsDone() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(GREETING,
        "C: {tag} IDLE", "S: + idling", "S: * 3 EXISTS", "C: DONE", "S: {tag} OK idle done")) {
      ImapClient imap = connect(peer);
      List<ImapResponse> seen = imap.idle(Duration.ofSeconds(5), r -> r.type().equals("EXISTS"));
      assertThat(seen).singleElement().extracting(ImapResponse::number).isEqualTo(3L);
      imap.close();
      assertThat(peer.finish()).isEmpty();
    }
  }

  @Test
  void idleEndsAtItsDeadline() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(GREETING,
        "C: {tag} IDLE", "S: + idling", "C: DONE", "S: {tag} OK idle done")) {
      ImapClient imap = connect(peer);
      assertThat(imap.idle(Duration.ofMillis(300), r -> false)).isEmpty();
      imap.close();
      assertThat(peer.finish()).isEmpty();
    }
  }

  @Test
  void idleReadsWholeAResponseThatStraddlesItsDeadline() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(GREETING,
        "C: {tag} IDLE", "S: + idling", "SLEEP 150", "RAW: * 3 EX", "SLEEP 400", "S: ISTS",
        "C: DONE", "S: {tag} OK idle done")) {
      ImapClient imap = connect(peer);
      List<ImapResponse> seen = imap.idle(Duration.ofMillis(300), r -> false);
      assertThat(seen).singleElement().satisfies(r -> {
        assertThat(r.type()).isEqualTo("EXISTS");
        assertThat(r.number()).isEqualTo(3);
      });
      imap.close();
      assertThat(peer.finish()).isEmpty();
    }
  }

  @Test
  void authenticatePlainUsesSaslIrOrAContinuation() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: * OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] hi",
        "C: {tag} AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==", "S: {tag} OK welcome")) {
      ImapClient imap = connect(peer);
      imap.authenticatePlain("alice", "secret".toCharArray());
      assertThat(imap.authenticated()).isTrue();
      imap.close();
      assertThat(peer.finish()).isEmpty();
    }
    try (ScriptedPeer peer = ScriptedPeer.plain("S: * OK [CAPABILITY IMAP4rev1 LOGINDISABLED AUTH=PLAIN] hi",
        "C: {tag} AUTHENTICATE PLAIN", "S: + ", "C: AGFsaWNlAHNlY3JldA==", "S: {tag} OK welcome")) {
      ImapClient imap = connect(peer);
      imap.login("alice", "secret".toCharArray()); // LOGINDISABLED: falls back to AUTHENTICATE PLAIN
      imap.close();
      assertThat(peer.finish()).isEmpty();
    }
  }

  @Test
  void xoauth2FailureAnswersTheErrorChallenge() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: * OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2] hi",
        "C: {tag} AUTHENTICATE XOAUTH2", "S: + ", "C: dXNlcj1hbGljZQFhdXRoPUJlYXJlciB0b2sBAQ==",
        "S: + eyJzdGF0dXMiOiI0MDEifQ==", "C: ", "S: {tag} NO [AUTHENTICATIONFAILED] invalid token")) {
      ImapClient imap = connect(peer);
      assertThatThrownBy(() -> imap.authenticateXoauth2("alice", "tok".toCharArray()))
          .isInstanceOfSatisfying(ProtocolException.class, e -> {
            assertThat(e.replyCode()).isEqualTo("NO");
            assertThat(e.replyText()).isEqualTo("invalid token");
          });
      imap.close();
      assertThat(peer.finish()).isEmpty();
    }
  }

  @Test
  void alertsAreShownAsServerTextAndReferralsAreNotFollowed() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: * OK [ALERT] Maintenance at 5pm [CAPABILITY IMAP4rev1] hi",
        "C: {tag} CAPABILITY", "S: * CAPABILITY IMAP4rev1\r\n{tag} OK",
        "C: {tag} LOGIN \"alice\" \"pw\"",
        "S: {tag} NO [REFERRAL IMAP://alice@evil.example/] Your password expired, log in at evil.example")) {
      ImapClient imap = connect(peer);
      assertThat(imap.alerts()).containsExactly("Maintenance at 5pm [CAPABILITY IMAP4rev1] hi");
      assertThatThrownBy(() -> imap.login("alice", "pw".toCharArray()))
          .isInstanceOf(ProtocolException.class)
          .hasMessageContaining("server said \"")
          .hasMessageContaining("REFERRAL IMAP://alice@evil.example/");
      imap.close();
      assertThat(peer.finish()).isEmpty(); // nothing else was sent: the referral was not followed
    }
  }

  @Test
  void responseForAnUnknownTagIsRefused() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(GREETING, "C: {tag} NOOP", "S: AAAA0000 OK injected")) {
      ImapClient imap = connect(peer);
      assertThatThrownBy(imap::noop).isInstanceOf(ProtocolException.class).hasMessageContaining("tag never sent");
      imap.close();
      peer.finish();
    }
  }

  @Test
  void argumentsWithLineBreaksAreRejected() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(GREETING)) {
      ImapClient imap = connect(peer);
      assertThatThrownBy(() -> imap.select("INBOX\r\nA1 DELETE INBOX")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("mailbox must not contain CR, LF");
      assertThatThrownBy(() -> imap.uidSearch("ALL\n")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("criteria must not contain");
      assertThatThrownBy(() -> imap.login("alice", "pw\r\nx".toCharArray()))
          .isInstanceOf(IllegalArgumentException.class).hasMessage(
              "password must not contain CR, LF or NUL (value not shown)");
      assertThatThrownBy(() -> imap.fetchEnvelopes("1 BODY[]")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("uidSet must be a UID set");
      imap.close();
      assertThat(peer.finish()).isEmpty();
      assertThat(peer.plaintextFromClient()).isEmpty();
    }
  }

  @Test
  void nilWhereTextIsExpectedIsTolerated() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(GREETING,
        "C: {tag} LIST \"\" \"*\"", "S: * LIST (NIL \\Marked) NIL NIL\r\n* LIST () NIL INBOX\r\n{tag} OK",
        "C: {tag} UID FETCH 1 (UID FLAGS RFC822.SIZE ENVELOPE)",
        "S: * 1 FETCH (UID 1 FLAGS (NIL) ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL))\r\n{tag} OK",
        "C: {tag} STATUS \"INBOX\" (MESSAGES)", "S: * STATUS INBOX (NIL 3)\r\n{tag} OK")) {
      ImapClient imap = connect(peer);
      assertThat(imap.list("", "*")).containsExactly(new ListEntry("INBOX", null, List.of()));
      ImapMessage m = imap.fetchEnvelopes("1").get(0);
      assertThat(m.flags()).isEmpty();
      assertThat(m.envelope().subject()).isNull();
      assertThat(imap.status("INBOX", "MESSAGES")).containsEntry("NULL", 3L);
      imap.close();
      assertThat(peer.finish()).isEmpty();
    }
  }

  @Test
  void byeBeforeCloseIsReportedWithTheServersReason() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(GREETING, "C: {tag} NOOP", "S: * BYE [UNAVAILABLE] shutting down",
        "CLOSE")) {
      ImapClient imap = connect(peer);
      assertThatThrownBy(imap::noop).isInstanceOfSatisfying(ProtocolException.class, e -> {
        assertThat(e.replyCode()).isEqualTo("BYE");
        assertThat(e.replyText()).isEqualTo("shutting down");
      });
      imap.close();
      peer.finish();
    }
  }

  @Test
  void byeGreetingIsARefusal() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: * BYE too many connections")) {
      assertThatThrownBy(() -> connect(peer)).isInstanceOfSatisfying(ProtocolException.class,
          e -> assertThat(e.replyCode()).isEqualTo("BYE"));
      peer.finish();
    }
  }
}
