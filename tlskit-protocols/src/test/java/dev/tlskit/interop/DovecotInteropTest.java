package dev.tlskit.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ProtocolException;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.imap.BodyStructure;
import dev.tlskit.imap.ImapClient;
import dev.tlskit.imap.ImapCommandResult;
import dev.tlskit.imap.ImapLimits;
import dev.tlskit.imap.ImapMessage;
import dev.tlskit.imap.ImapResponse;
import dev.tlskit.imap.ListEntry;
import dev.tlskit.imap.MailboxInfo;
import dev.tlskit.imap.Namespaces;
import dev.tlskit.pop3.Pop3Client;
import dev.tlskit.pop3.Pop3Listing;
import dev.tlskit.testpeer.MailTests;
import dev.tlskit.testpeer.RealMailServers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IMAP and POP3 clients against a real Dovecot with plaintext authentication disabled. */
class DovecotInteropTest {
  @TempDir static Path tmp;
  static RealMailServers servers;
  static TlsClient client;

  @BeforeAll
  static void start() throws Exception {
    servers = RealMailServers.start(tmp, false);
    client = MailTests.client(servers.pki.clientContext());
  }

  @AfterAll
  static void stop() throws Exception {
    if (servers != null) servers.close();
  }

  private static ImapClient imap(int port, TlsMode mode) throws Exception {
    return ImapClient.connect(client, "127.0.0.1", port, "localhost", mode, ImapLimits.DEFAULTS);
  }

  private static byte[] message(String subject, String body) {
    return ("From: Bob <bob@example.test>\r\nTo: alice@example.test\r\nSubject: " + subject
        + "\r\nMessage-ID: <" + subject.hashCode() + "@example.test>\r\n\r\n" + body + "\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void imapStarttlsSessionWithEveryMailboxCommand() throws Exception {
    try (ImapClient imap = imap(servers.imap, TlsMode.STARTTLS)) {
      assertThat(imap.securityInfo()).isPresent();
      assertThat(imap.capabilities()).doesNotContain("STARTTLS").doesNotContain("LOGINDISABLED");
      imap.login("alice", RealMailServers.PASSWORD.toCharArray());
      imap.create("Archive");
      imap.create("Entw\u00fcrfe");
      assertThat(imap.list("", "*")).extracting(ListEntry::name).contains("INBOX", "Archive", "Entw\u00fcrfe");
      imap.append("INBOX", List.of(), message("First", ".dotted line\r\nsecond line"));
      imap.append("INBOX", List.of("\\Seen"), message("Gr\u00fc\u00dfe", "hi"));
      MailboxInfo inbox = imap.select("INBOX");
      assertThat(inbox.exists()).isEqualTo(2);
      assertThat(inbox.uidValidity()).isPositive();
      assertThat(imap.status("Archive", "MESSAGES", "UIDNEXT")).containsEntry("MESSAGES", 0L);
      List<Long> unseen = imap.uidSearch("UNSEEN");
      assertThat(unseen).hasSize(1);
      List<ImapMessage> all = imap.fetchEnvelopes("1:*");
      assertThat(all).extracting(m -> m.envelope().subject()).containsExactly("First", "Gr\u00fc\u00dfe");
      assertThat(all.get(0).envelope().from()).extracting(Object::toString).containsExactly("Bob <bob@example.test>");
      long first = unseen.get(0);
      assertThat(new String(imap.fetchMessage(first).orElseThrow().body(), StandardCharsets.UTF_8))
          .endsWith("\r\n\r\n.dotted line\r\nsecond line\r\n");
      imap.store(Long.toString(first), "+FLAGS", List.of("\\Flagged"));
      assertThat(imap.fetchEnvelopes(Long.toString(first)).get(0).flags()).contains("\\Flagged");
      imap.copy(Long.toString(first), "Archive");
      imap.move(Long.toString(first), "Entw\u00fcrfe");
      assertThat(imap.status("Archive", "MESSAGES")).containsEntry("MESSAGES", 1L);
      assertThat(imap.status("Entw\u00fcrfe", "MESSAGES")).containsEntry("MESSAGES", 1L);
      long second = imap.uidSearch("ALL").get(0);
      imap.store(Long.toString(second), "+FLAGS.SILENT", List.of("\\Deleted"));
      assertThat(imap.expunge()).containsExactly(1L);
      Thread other = Thread.ofVirtual().start(() -> { // a second session delivers while the first idles
        try (ImapClient writer = imap(servers.imaps, TlsMode.IMPLICIT)) {
          Thread.sleep(300);
          writer.login("alice", RealMailServers.PASSWORD.toCharArray());
          writer.append("INBOX", List.of(), message("During IDLE", "new"));
          writer.logout();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      List<ImapResponse> updates = imap.idle(Duration.ofSeconds(20), r -> r.type().equals("EXISTS"));
      other.join();
      assertThat(updates).extracting(ImapResponse::type).contains("EXISTS");
      imap.logout();
    }
  }

  @Test
  void multipartAttachmentsComeBackByteIdenticalPartByPart() throws Exception {
    byte[] binary = new byte[20_000];
    new java.util.Random(16).nextBytes(binary);
    byte[] text = "caf\u00e9 = 1\r\nline two with trailing space \r\n".repeat(50).getBytes(StandardCharsets.UTF_8);
    byte[] mail = dev.tlskit.smtp.MimeMail.builder().from("bob@example.test").to("alice@example.test")
        .subject("Two attachments").text("see attached").attach("data.bin", "application/octet-stream", binary)
        .attach("r\u00e9sum\u00e9 notes.txt", "text/plain", text).build().toBytes();
    try (ImapClient imap = imap(servers.imaps, TlsMode.IMPLICIT)) {
      imap.login("alice", RealMailServers.PASSWORD.toCharArray());
      imap.create("Parts");
      imap.append("Parts", List.of(), mail);
      imap.select("Parts");
      long uid = imap.uidSearch("ALL").get(0);
      BodyStructure tree = imap.bodyStructure(uid).orElseThrow();
      assertThat(tree.mimeType()).isEqualTo("multipart/mixed");
      assertThat(tree.parts()).extracting(BodyStructure::section).containsExactly("1", "2", "3");
      BodyStructure bin = tree.find("2").orElseThrow();
      BodyStructure txt = tree.find("3").orElseThrow();
      assertThat(bin.filename()).contains("data.bin");
      assertThat(bin.encoding()).isEqualTo("BASE64");
      assertThat(bin.disposition()).isEqualTo("attachment");
      assertThat(txt.filename()).contains("r\u00e9sum\u00e9 notes.txt"); // RFC 2231 on the wire
      assertThat(txt.mimeType()).isEqualTo("text/plain");
      assertThat(txt.lines()).isPositive();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      assertThat(imap.fetchPart(uid, bin, true, got)).isTrue();
      assertThat(got.toByteArray()).isEqualTo(binary);
      got.reset();
      assertThat(imap.fetchPart(uid, txt, true, got)).isTrue();
      assertThat(got.toByteArray()).isEqualTo(text);
      got.reset();
      assertThat(imap.fetchPart(uid, bin, false, got)).isTrue();
      assertThat(got.size()).isEqualTo(bin.size());
      got.reset();
      assertThat(imap.fetchSection(uid, "4", got)).isTrue(); // Dovecot: a missing section is empty, not NIL
      assertThat(got.size()).isZero();
      assertThat(imap.fetchSection(uid + 100, "1", got)).isFalse();
      assertThat(imap.fetchMessage(uid)).get().extracting(m -> m.flags()).asList().doesNotContain("\\Seen");
    }
  }

  @Test
  void mailboxManagementNamespaceAndIdWithDovecot() throws Exception {
    try (ImapClient imap = imap(servers.imaps, TlsMode.IMPLICIT)) {
      imap.login("bob", RealMailServers.PASSWORD.toCharArray());
      imap.create("Proj\u00e9t");
      imap.rename("Proj\u00e9t", "Archive\u00e9");
      imap.subscribe("Archive\u00e9");
      assertThat(imap.lsub("", "*")).extracting(ListEntry::name).contains("Archive\u00e9")
          .doesNotContain("Proj\u00e9t");
      assertThat(imap.list("", "*")).extracting(ListEntry::name).contains("Archive\u00e9");
      imap.unsubscribe("Archive\u00e9");
      assertThat(imap.lsub("", "*")).extracting(ListEntry::name).doesNotContain("Archive\u00e9");
      imap.delete("Archive\u00e9");
      assertThat(imap.list("", "*")).extracting(ListEntry::name).doesNotContain("Archive\u00e9");
      assertThatThrownBy(() -> imap.delete("Archive\u00e9")).isInstanceOf(ProtocolException.class)
          .hasMessageContaining("DELETE failed");
      Namespaces ns = imap.namespace();
      assertThat(ns.personal()).hasSize(1);
      assertThat(ns.personal().get(0).delimiter()).isNotNull();
      assertThat(imap.id(java.util.Map.of("name", "tlskit-test"))).containsEntry("name", "Dovecot");
    }
  }

  @Test
  void sequenceNumberCommandsAndRawCommandsWithDovecot() throws Exception {
    try (ImapClient imap = imap(servers.imaps, TlsMode.IMPLICIT)) {
      imap.login("bob", RealMailServers.PASSWORD.toCharArray());
      imap.create("Seq");
      ImapCommandResult appended = imap.command("APPEND", "Seq", message("Raw one", "r1"));
      assertThat(appended.ok()).as(appended.tagged().toString()).isTrue();
      assertThat(appended.tagged().codeName()).isEqualTo("APPENDUID");
      assertThat(imap.command("APPEND", "Seq", message("Raw two", "r2")).ok()).isTrue();
      ImapCommandResult status = imap.command("STATUS Seq (MESSAGES)");
      assertThat(status.untagged()).extracting(ImapResponse::type).containsExactly("STATUS");
      assertThat(imap.command("DELETE", "NoSuchBox").ok()).isFalse();
      imap.select("Seq");
      ImapClient.BySequence seq = imap.bySequence();
      assertThat(seq.search("ALL")).containsExactly(1L, 2L);
      assertThat(seq.fetchMessage(2)).get().extracting(m -> new String(m.body(), StandardCharsets.UTF_8))
          .asString().contains("Subject: Raw two");
      assertThat(seq.fetchEnvelopes("1:2")).extracting(m -> m.envelope().subject())
          .containsExactly("Raw one", "Raw two");
      BodyStructure b = seq.bodyStructure(1).orElseThrow();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertThat(seq.fetchPart(1, b, true, out)).isTrue();
      assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("r1\r\n");
      seq.store("1", "+FLAGS", List.of("\\Flagged"));
      assertThat(seq.fetchEnvelopes("1")).singleElement().extracting(m -> m.flags()).asList().contains("\\Flagged");
      seq.copy("1", "INBOX");
      seq.move("2", "INBOX");
      assertThat(seq.search("ALL")).containsExactly(1L);
    }
  }

  @Test
  void imapImplicitTlsWithAuthenticatePlain() throws Exception {
    try (ImapClient imap = imap(servers.imaps, TlsMode.IMPLICIT)) {
      imap.authenticatePlain("bob", RealMailServers.PASSWORD.toCharArray());
      assertThat(imap.examine("INBOX").readOnly()).isTrue();
      imap.logout();
    }
  }

  @Test
  void autoLooksAtDovecotOnUnusualPorts() throws Exception {
    // Dovecot greets at once on its imap and pop3 listeners and waits for a ClientHello on imaps and pop3s; these
    // are free loopback ports, so AUTO decides by what Dovecot does.
    try (ImapClient imap = imap(servers.imaps, TlsMode.AUTO)) {
      assertThat(imap.tlsModeDecision()).isEqualTo(new TlsMode.Decision(TlsMode.IMPLICIT, TlsMode.DecidedBy.LOOKING));
      imap.login("alice", RealMailServers.PASSWORD.toCharArray());
      imap.logout();
    }
    try (ImapClient imap = imap(servers.imap, TlsMode.AUTO)) {
      assertThat(imap.tlsModeDecision()).isEqualTo(new TlsMode.Decision(TlsMode.STARTTLS, TlsMode.DecidedBy.LOOKING));
      assertThat(imap.securityInfo()).isPresent();
      imap.login("alice", RealMailServers.PASSWORD.toCharArray());
      imap.logout();
    }
    try (Pop3Client pop = Pop3Client.connect(client, "127.0.0.1", servers.pop3, "localhost", TlsMode.AUTO)) {
      assertThat(pop.tlsModeDecision()).isEqualTo(new TlsMode.Decision(TlsMode.STARTTLS, TlsMode.DecidedBy.LOOKING));
      assertThat(pop.securityInfo()).isPresent();
      pop.quit();
    }
  }

  @Test
  void wrongPasswordIsARefusalWithDovecotsText() throws Exception {
    try (ImapClient imap = imap(servers.imaps, TlsMode.IMPLICIT)) {
      assertThatThrownBy(() -> imap.login("alice", "wrong".toCharArray()))
          .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.replyCode()).isEqualTo("NO"));
    }
  }

  @Test
  void untrustedOrMisnamedCertificateIsRejected() {
    assertThatThrownBy(() -> ImapClient.connect(MailTests.client(servers.pki.untrustingClientContext()),
        "127.0.0.1", servers.imap, "localhost", TlsMode.STARTTLS, ImapLimits.DEFAULTS))
        .isInstanceOfSatisfying(TlsSecurityException.class,
            e -> assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.HANDSHAKE_FAILED));
    assertThatThrownBy(() -> Pop3Client.connect(client, "127.0.0.1", servers.pop3s, "mail.example.org",
        TlsMode.IMPLICIT))
        .isInstanceOfSatisfying(TlsSecurityException.class,
            e -> assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.HANDSHAKE_FAILED));
  }

  @Test
  void pop3StlsAndImplicitSessions() throws Exception {
    try (ImapClient imap = imap(servers.imaps, TlsMode.IMPLICIT)) {
      imap.login("carol", RealMailServers.PASSWORD.toCharArray());
      imap.append("INBOX", List.of(), message("Pop one", "..two dots\r\nend"));
      imap.append("INBOX", List.of(), message("Pop two", "x"));
      imap.logout();
    }
    try (Pop3Client pop = Pop3Client.connect(client, "127.0.0.1", servers.pop3, "localhost", TlsMode.STARTTLS)) {
      assertThat(pop.securityInfo()).isPresent();
      assertThat(pop.capabilities()).doesNotContain("STLS");
      pop.login("carol", RealMailServers.PASSWORD.toCharArray());
      assertThat(pop.stat().count()).isEqualTo(2);
      assertThat(pop.list()).extracting(Pop3Listing::number).containsExactly(1, 2);
      assertThat(pop.uidl()).hasSize(2);
      assertThat(pop.headers(2)).containsEntry("subject", "Pop two");
      assertThat(new String(pop.retr(1), StandardCharsets.UTF_8)).endsWith("\r\n\r\n..two dots\r\nend\r\n");
      pop.dele(1);
      pop.rset();
      pop.noop();
      pop.quit();
    }
    try (Pop3Client pop = Pop3Client.connect(client, "127.0.0.1", servers.pop3s, "localhost", TlsMode.IMPLICIT)) {
      pop.authPlain("carol", RealMailServers.PASSWORD.toCharArray());
      assertThat(pop.stat().count()).isEqualTo(2); // RSET undid the deletion
      pop.dele(2);
      pop.quit();
    }
    try (Pop3Client pop = Pop3Client.connect(client, "127.0.0.1", servers.pop3s, "localhost", TlsMode.AUTO)) {
      assertThat(pop.tlsModeDecision()).isEqualTo(new TlsMode.Decision(TlsMode.IMPLICIT, TlsMode.DecidedBy.LOOKING));
      pop.login("carol", RealMailServers.PASSWORD.toCharArray());
      assertThat(pop.stat().count()).isEqualTo(1);
      pop.quit();
    }
  }
}
