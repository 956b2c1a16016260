package dev.tlskit.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ProtocolException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class BodyStructureTest {
  static BodyStructure parse(String bodystructure) throws IOException {
    ImapResponse r = ImapParserTest.parse("* 1 FETCH (UID 5 BODYSTRUCTURE " + bodystructure + ")\r\n");
    ImapValue.ListValue l = (ImapValue.ListValue) r.values().get(0);
    return BodyStructure.parse(l.items().get(3));
  }

  @Test
  void singlePartIsSectionOne() throws IOException {
    BodyStructure b = parse("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 3028 92)");
    assertThat(b.section()).isEqualTo("1");
    assertThat(b.mimeType()).isEqualTo("text/plain");
    assertThat(b.params()).containsEntry("charset", "us-ascii");
    assertThat(b.encoding()).isEqualTo("7BIT");
    assertThat(b.size()).isEqualTo(3028);
    assertThat(b.lines()).isEqualTo(92);
    assertThat(b.parts()).isEmpty();
    assertThat(b.disposition()).isNull();
  }

  @Test
  void nestedMultipartsGetDottedSections() throws IOException {
    BodyStructure b = parse("(((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 10 1 NIL NIL"
        + " NIL NIL)(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"base64\" 20 1 NIL NIL NIL NIL) \"alternative\""
        + " (\"boundary\" \"b2\") NIL NIL NIL)(\"application\" \"pdf\" (\"name\" \"a.pdf\") \"<id1@x>\" \"The =?utf-8?q?f=C3=BCr?="
        + " doc\" \"BASE64\" 4096 \"md5sum\" (\"attachment\" (\"filename\" \"a.pdf\" \"size\" \"3000\")) (\"en\" \"de\")"
        + " \"http://x/a.pdf\" \"extra\" (1 2)) \"MIXED\" (\"BOUNDARY\" \"b1\") NIL \"en\")");
    assertThat(b.multipart()).isTrue();
    assertThat(b.section()).isEmpty();
    assertThat(b.subtype()).isEqualTo("mixed");
    assertThat(b.params()).containsEntry("boundary", "b1");
    assertThat(b.language()).containsExactly("en");
    BodyStructure alt = b.parts().get(0);
    assertThat(alt.mimeType()).isEqualTo("multipart/alternative");
    assertThat(alt.section()).isEqualTo("1");
    assertThat(alt.parts()).extracting(BodyStructure::section).containsExactly("1.1", "1.2");
    assertThat(alt.parts().get(0).encoding()).isEqualTo("QUOTED-PRINTABLE");
    BodyStructure pdf = b.parts().get(1);
    assertThat(pdf.section()).isEqualTo("2");
    assertThat(pdf.id()).isEqualTo("<id1@x>");
    assertThat(pdf.description()).isEqualTo("The für doc");
    assertThat(pdf.size()).isEqualTo(4096);
    assertThat(pdf.lines()).isEqualTo(-1);
    assertThat(pdf.disposition()).isEqualTo("attachment");
    assertThat(pdf.dispositionParams()).containsEntry("size", "3000");
    assertThat(pdf.filename()).contains("a.pdf");
    assertThat(pdf.language()).containsExactly("en", "de");
    assertThat(pdf.location()).isEqualTo("http://x/a.pdf");
    assertThat(b.flatten()).extracting(BodyStructure::section).containsExactly("", "1", "1.1", "1.2", "2");
    assertThat(b.find("1.2")).get().extracting(BodyStructure::subtype).isEqualTo("html");
    assertThat(b.find("1")).isEmpty(); // a multipart, not a part to fetch
  }

  @Test
  void messageRfc822NestsTheEncapsulatedTree() throws IOException {
    String envelope = "(\"Mon, 1 Jan 2024 00:00:00 +0000\" \"inner\" NIL NIL NIL NIL NIL NIL NIL \"<m@x>\")";
    BodyStructure b = parse("((\"text\" \"plain\" NIL NIL NIL \"7bit\" 5 1)(\"message\" \"rfc822\" NIL NIL NIL \"7bit\""
        + " 900 " + envelope + " ((\"text\" \"plain\" NIL NIL NIL \"7bit\" 5 1)(\"image\" \"png\" NIL NIL NIL"
        + " \"base64\" 600) \"mixed\") 30) (\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 100 " + envelope
        + " (\"text\" \"plain\" NIL NIL NIL \"7bit\" 5 1) 4) \"mixed\")");
    BodyStructure forwarded = b.parts().get(1);
    assertThat(forwarded.mimeType()).isEqualTo("message/rfc822");
    assertThat(forwarded.section()).isEqualTo("2");
    assertThat(forwarded.lines()).isEqualTo(30);
    BodyStructure inner = forwarded.parts().get(0);
    assertThat(inner.multipart()).isTrue();
    assertThat(inner.parts()).extracting(BodyStructure::section).containsExactly("2.1", "2.2");
    assertThat(inner.parts().get(1).mimeType()).isEqualTo("image/png");
    BodyStructure simple = b.parts().get(2);
    assertThat(simple.section()).isEqualTo("3");
    assertThat(simple.parts()).singleElement().extracting(BodyStructure::section).isEqualTo("3.1");
  }

  @Test
  void rfc2231FilenamesAreDecoded() throws IOException {
    BodyStructure b = parse("(\"application\" \"octet-stream\" (\"name\" \"fallback.bin\") NIL NIL \"base64\" 8 NIL"
        + " (\"attachment\" (\"filename*\" \"utf-8''%E2%82%AC%20rates.txt\")) NIL)");
    assertThat(b.filename()).contains("\u20ac rates.txt");
    BodyStructure continued = parse("(\"application\" \"octet-stream\" NIL NIL NIL \"base64\" 8 NIL"
        + " (\"attachment\" (\"filename*1*\" \"%C3%A9.txt\" \"filename*0*\" \"iso-8859-1'fr'caf\" \"filename*2\" \"x\")) NIL)");
    // pieces in numeric order; later encoded pieces share the first one's charset
    assertThat(continued.filename()).contains("caf\u00c3\u00a9.txtx");
    BodyStructure fallback = parse("(\"application\" \"octet-stream\" (\"NAME\" \"=?utf-8?b?w6k=?=.txt\") NIL NIL"
        + " \"base64\" 8)");
    assertThat(fallback.filename()).contains("\u00e9.txt");
    assertThat(parse("(\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1)").filename()).isEmpty();
  }

  @Test
  void toleratesQuirkyServers() throws IOException {
    // NIL where lists belong, a quoted size, a missing line count, a bare disposition string, NIL type
    BodyStructure b = parse("((NIL NIL NIL NIL NIL NIL \"12\" NIL NIL \"inline\" NIL)(\"text\" \"plain\" NIL NIL NIL"
        + " \"7bit\" 4 NIL (\"attachment\" NIL)) \"mixed\" NIL NIL NIL NIL \"more\" (\"ext\" 1))");
    assertThat(b.params()).isEmpty();
    BodyStructure first = b.parts().get(0);
    assertThat(first.mimeType()).isEqualTo("text/plain");
    assertThat(first.encoding()).isEqualTo("7BIT");
    assertThat(first.size()).isEqualTo(12);
    assertThat(first.disposition()).isEqualTo("inline");
    BodyStructure second = b.parts().get(1);
    assertThat(second.lines()).isEqualTo(-1);
    assertThat(second.disposition()).isEqualTo("attachment");
    assertThat(second.dispositionParams()).isEmpty();
    // a multipart without subtype (seen from broken proxies)
    assertThat(parse("((\"text\" \"plain\" NIL NIL NIL \"7bit\" 4 1))").subtype()).isEqualTo("mixed");
  }

  @Test
  void refusesWhatIsNoBodyStructure() {
    assertThatThrownBy(() -> parse("NIL")).isInstanceOf(ProtocolException.class).hasMessageContaining("BODYSTRUCTURE");
    assertThatThrownBy(() -> parse("(\"text\" \"plain\")")).isInstanceOf(ProtocolException.class)
        .hasMessageContaining("7 fields");
    assertThatThrownBy(() -> parse("()")).isInstanceOf(ProtocolException.class);
  }
}
