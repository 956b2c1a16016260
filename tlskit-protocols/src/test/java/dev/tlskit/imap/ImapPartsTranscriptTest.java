package dev.tlskit.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.TlsClient;
import dev.tlskit.TlsMode;
import dev.tlskit.testpeer.MailTests;
import dev.tlskit.testpeer.ScriptedPeer;
import org.junit.jupiter.api.Test;

/** BODYSTRUCTURE and part fetches against scripted server lines ({tag} stands for the random tag). */
class ImapPartsTranscriptTest {
  private static final String GREETING = "S: * PREAUTH [CAPABILITY IMAP4rev1] ready";
  private final TlsClient client = MailTests.plainClient();

  private ImapClient connect(ScriptedPeer peer) throws Exception {
    return ImapClient.connect(client, "127.0.0.1", peer.port(), TlsMode.NONE);
  }

  @Test
  void readsTheBodyStructureOfTheUidAsked() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(GREETING,
        "C: {tag} UID FETCH 9 (UID BODYSTRUCTURE)",
        "S: * 1 FETCH (FLAGS (\\Seen))\r\n* 3 FETCH (UID 9 BODYSTRUCTURE ((\"text\" \"plain\" NIL NIL NIL \"7bit\" 2 1)"
            + "(\"application\" \"pdf\" NIL NIL NIL \"base64\" {3}\r\n100 NIL (\"attachment\" (\"filename\" \"a.pdf\")))"
            + " \"mixed\"))\r\n{tag} OK",
        "C: {tag} UID FETCH 10 (UID BODYSTRUCTURE)", "S: {tag} OK nothing")) {
      ImapClient imap = connect(peer);
      BodyStructure b = imap.bodyStructure(9).orElseThrow();
      assertThat(b.parts()).extracting(BodyStructure::mimeType).containsExactly("text/plain", "application/pdf");
      assertThat(b.find("2")).get().extracting(p -> p.filename().orElseThrow()).isEqualTo("a.pdf");
      assertThat(b.find("2")).get().extracting(BodyStructure::size).isEqualTo(100L); // a literal "100"
      assertThat(imap.bodyStructure(10)).isEmpty();
    }
  }
}
