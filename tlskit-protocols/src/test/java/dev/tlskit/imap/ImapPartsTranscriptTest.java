package dev.tlskit.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ProtocolException;
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

  private static final BodyStructure PDF = leaf("2", "BASE64");

  private static BodyStructure leaf(String section, String encoding) {
    return new BodyStructure(section, "application", "pdf", java.util.Map.of(), null, null, encoding, 8, -1, null,
        java.util.Map.of(), java.util.List.of(), null, java.util.List.of());
  }

  @Test
  void streamsAPartDecodedOrAsSentAndStaysInStep() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(GREETING,
        "C: {tag} UID FETCH 9 (UID BODY.PEEK[2])",
        "S: * 3 FETCH (UID 9 BODY[2] {12}\r\nSGVs\r\nbG8h\r\n)\r\n{tag} OK",
        "C: {tag} UID FETCH 9 (UID BODY.PEEK[2])",
        "S: * 3 FETCH (BODY[2] {12}\r\nSGVs\r\nbG8h\r\n UID 9)\r\n{tag} OK",
        "C: {tag} UID FETCH 9 (UID BODY.PEEK[1.2])",
        "S: * 3 FETCH (UID 9 BODY[1.2] \"caf=C3=\")\r\n{tag} OK",
        "C: {tag} UID FETCH 9 (UID BODY.PEEK[2.MIME])",
        "S: * 3 FETCH (UID 9 BODY[2.MIME] NIL)\r\n{tag} OK",
        "C: {tag} UID FETCH 9 (UID BODY.PEEK[HEADER])",
        "S: * 3 FETCH (UID 9 BODY[HEADER] {4}\r\nA: b)\r\n{tag} OK",
        "C: {tag} NOOP", "S: {tag} OK")) {
      ImapClient imap = connect(peer);
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      assertThat(imap.fetchPart(9, PDF, true, out)).isTrue();
      assertThat(out.toString(java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("Hello!");
      out.reset();
      assertThat(imap.fetchPart(9, PDF, false, out)).isTrue();
      assertThat(out.toString(java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("SGVs\r\nbG8h\r\n");
      out.reset();
      assertThat(imap.fetchPart(9, leaf("1.2", "quoted-printable"), true, out)).isTrue(); // a quoted string
      assertThat(out.toString(java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo("caf\u00c3");
      out.reset();
      assertThat(imap.fetchSection(9, "2.mime", out)).isFalse();
      assertThat(imap.fetchSection(9, "HEADER", out)).isTrue();
      assertThat(out.toString(java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("A: b");
      imap.noop();
    }
  }

  @Test
  void refusesBadSectionsBadBase64OversizedPartsAndOtherUids() throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain(GREETING,
        "C: {tag} UID FETCH 9 (UID BODY.PEEK[2])",
        "S: * 3 FETCH (UID 9 BODY[2] {5}\r\nSGVsb)\r\n{tag} OK",
        "C: {tag} UID FETCH 9 (UID BODY.PEEK[2])",
        "S: * 3 FETCH (UID 8 BODY[2] {4}\r\nSGVs)\r\n{tag} OK")) {
      ImapClient imap = connect(peer);
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      assertThatThrownBy(() -> imap.fetchSection(9, "2\r\nX", out)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> imap.fetchSection(9, "0", out)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> imap.fetchPart(9, BodyStructure.parse(ImapParserTest.parse(
          "* 1 FETCH (((\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1) \"mixed\"))\r\n").values().get(0)), true, out))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multipart");
      assertThatThrownBy(() -> imap.fetchPart(9, PDF, true, out)).isInstanceOf(ProtocolException.class)
          .hasMessageContaining("base64");
      assertThatThrownBy(() -> imap.fetchPart(9, PDF, true, out)).isInstanceOf(ProtocolException.class)
          .hasMessageContaining("UID 8");
    }
    try (ScriptedPeer peer = ScriptedPeer.plain(GREETING,
        "C: {tag} UID FETCH 9 (UID BODY.PEEK[2])",
        "S: * 3 FETCH (UID 9 BODY[2] {999999}")) {
      ImapClient imap = ImapClient.connect(client, "127.0.0.1", peer.port(), "127.0.0.1", TlsMode.NONE,
          new ImapLimits(1024, 4096, 8192, 8));
      assertThatThrownBy(() -> imap.fetchPart(9, PDF, true, new java.io.ByteArrayOutputStream()))
          .isInstanceOf(ProtocolException.class).hasMessageContaining("exceeds the limit of 4096");
    }
  }
}
