package dev.tlskit.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ProtocolException;
import dev.tlskit.TlsMode;
import dev.tlskit.testpeer.MailTests;
import dev.tlskit.testpeer.ScriptedPeer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Mailbox management, NAMESPACE and ID against scripted server lines ({tag} stands for the random tag). */
class ImapMailboxTranscriptTest {
  private static ImapClient connect(ScriptedPeer peer) throws Exception {
    return ImapClient.connect(MailTests.plainClient(), "127.0.0.1", peer.port(), TlsMode.NONE);
  }

  @Test
  void mailboxManagementNamespaceAndId() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: * PREAUTH [CAPABILITY IMAP4rev1 NAMESPACE ID] ready",
        "C: {tag} DELETE \"Entw&APw-rfe\"", "S: {tag} OK",
        "C: {tag} RENAME \"Old\" \"New/Sub\"", "S: {tag} OK",
        "C: {tag} SUBSCRIBE \"New/Sub\"", "S: {tag} OK",
        "C: {tag} UNSUBSCRIBE \"Old\"", "S: {tag} OK",
        "C: {tag} LSUB \"\" \"*\"",
        "S: * LSUB () \"/\" \"New/Sub\"\r\n* LIST () \"/\" \"NotMe\"\r\n* LSUB (\\Noselect) \"/\" \"Entw&APw-rfe\"\r\n"
            + "{tag} OK",
        "C: {tag} NAMESPACE",
        "S: * NAMESPACE ((\"\" \"/\")) ((\"~\" \"/\")(\"#users/\" NIL)) NIL\r\n{tag} OK",
        "C: {tag} ID (\"name\" \"tlskit\" \"os\" NIL)",
        "S: * ID (\"NAME\" \"Dovecot\" \"support-url\" NIL)\r\n{tag} OK",
        "C: {tag} ID NIL", "S: * ID NIL\r\n{tag} OK",
        "C: {tag} DELETE \"INBOX\"", "S: {tag} NO [CANNOT] not INBOX")) {
      ImapClient imap = connect(peer);
      imap.delete("Entw\u00fcrfe");
      imap.rename("Old", "New/Sub");
      imap.subscribe("New/Sub");
      imap.unsubscribe("Old");
      assertThat(imap.lsub("", "*")).containsExactly(new ListEntry("New/Sub", "/", List.of()),
          new ListEntry("Entw\u00fcrfe", "/", List.of("\\Noselect")));
      Namespaces ns = imap.namespace();
      assertThat(ns.personal()).containsExactly(new Namespaces.Namespace("", "/"));
      assertThat(ns.otherUsers()).containsExactly(new Namespaces.Namespace("~", "/"),
          new Namespaces.Namespace("#users/", null));
      assertThat(ns.shared()).isEmpty();
      Map<String, String> mine = new LinkedHashMap<>();
      mine.put("name", "tlskit");
      mine.put("os", null);
      Map<String, String> server = imap.id(mine);
      assertThat(server).containsEntry("name", "Dovecot").containsEntry("support-url", null);
      assertThat(imap.id(Map.of())).isEmpty();
      assertThatThrownBy(() -> imap.delete("INBOX")).isInstanceOf(ProtocolException.class)
          .hasMessageContaining("DELETE failed").hasMessageContaining("CANNOT");
    }
  }

  @Test
  void namespaceAndIdNeedTheirCapabilitiesAndIdKeepsRfc2971Bounds() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: * PREAUTH [CAPABILITY IMAP4rev1 ID] ready")) {
      ImapClient imap = connect(peer);
      assertThatThrownBy(imap::namespace).isInstanceOf(ProtocolException.class).hasMessageContaining("NAMESPACE");
      assertThatThrownBy(() -> imap.id(Map.of("x".repeat(31), "v"))).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("30 bytes");
      assertThatThrownBy(() -> imap.id(Map.of("name", "v".repeat(1025))))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1024");
      assertThatThrownBy(() -> imap.id(Map.of("name", "a\r\nA1 LOGOUT"))).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> imap.rename("a\r\nb", "c")).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
