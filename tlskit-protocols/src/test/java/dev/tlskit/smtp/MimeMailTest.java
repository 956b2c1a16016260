package dev.tlskit.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** MimeMail composes, Jakarta Mail parses back: structure, encodings, non-ASCII headers and file names, bytes. */
class MimeMailTest {
  static MimeMessage parse(byte[] eml) throws Exception {
    return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(eml));
  }

  static byte[] bytes(MimeBodyPart p) throws Exception {
    return p.getInputStream().readAllBytes();
  }

  @Test
  void textHtmlInlineImageAndTwoAttachmentsRoundTripByteForByte() throws Exception {
    byte[] binary = new byte[70_000];
    new Random(7).nextBytes(binary);
    byte[] textFile = "line one\nline two\r\n.dot line\n\u00e9\n".getBytes(StandardCharsets.UTF_8);
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, (byte) 0xff};
    byte[] eml = MimeMail.builder().from("alice@example.test", "Al\u00efce").to("bob@example.test").cc("c@example.test")
        .bcc("hidden@example.test").subject("Gr\u00fc\u00dfe \u2014 report").text("Hi \u00e9t\u00e9\n.dot\n")
        .html("<p>Hi <img src=\"cid:logo@example.test\"></p>").inline("logo@example.test", "logo.png", "image/png", png)
        .attach("r\u00e9sum\u00e9 \u6587\u4ef6.bin", "application/octet-stream", binary)
        .attach("notes.txt", "text/plain", textFile).build().toBytes();

    for (byte b : eml) assertThat(b).isGreaterThanOrEqualTo((byte) 0); // 7-bit: no 8BITMIME needed
    String raw = new String(eml, StandardCharsets.US_ASCII);
    assertThat(raw).contains("Subject: =?UTF-8?").doesNotContain("Bcc").doesNotContain("hidden@")
        .contains("filename*=UTF-8''r%C3%A9sum%C3%A9%20%E6%96%87%E4%BB%B6.bin");

    MimeMessage m = parse(eml);
    assertThat(m.getSubject()).isEqualTo("Gr\u00fc\u00dfe \u2014 report");
    assertThat(m.getFrom()[0].toString()).contains("alice@example.test");
    assertThat(((jakarta.mail.internet.InternetAddress) m.getFrom()[0]).getPersonal()).isEqualTo("Al\u00efce");
    MimeMultipart mixed = (MimeMultipart) m.getContent();
    assertThat(m.getContentType()).startsWith("multipart/mixed");
    assertThat(mixed.getCount()).isEqualTo(3);
    MimeMultipart alt = (MimeMultipart) mixed.getBodyPart(0).getContent();
    assertThat(alt.getContentType()).startsWith("multipart/alternative");
    assertThat(alt.getBodyPart(0).getContentType()).startsWith("text/plain");
    assertThat(((MimeBodyPart) alt.getBodyPart(0)).getEncoding()).isEqualTo("quoted-printable");
    assertThat(alt.getBodyPart(0).getContent()).isEqualTo("Hi \u00e9t\u00e9\r\n.dot\r\n");
    MimeMultipart related = (MimeMultipart) alt.getBodyPart(1).getContent();
    assertThat(related.getContentType()).startsWith("multipart/related");
    assertThat((String) related.getBodyPart(0).getContent()).contains("cid:logo@example.test");
    MimeBodyPart image = (MimeBodyPart) related.getBodyPart(1);
    assertThat(image.getContentID()).isEqualTo("<logo@example.test>");
    assertThat(image.getDisposition()).isEqualTo("inline");
    assertThat(bytes(image)).isEqualTo(png);
    MimeBodyPart first = (MimeBodyPart) mixed.getBodyPart(1);
    assertThat(first.getFileName()).isEqualTo("r\u00e9sum\u00e9 \u6587\u4ef6.bin");
    assertThat(first.getDisposition()).isEqualTo("attachment");
    assertThat(first.getEncoding()).isEqualTo("base64");
    assertThat(bytes(first)).isEqualTo(binary);
    MimeBodyPart second = (MimeBodyPart) mixed.getBodyPart(2);
    assertThat(second.getContentType()).startsWith("text/plain");
    assertThat(second.getEncoding()).isEqualTo("base64");
    assertThat(bytes(second)).isEqualTo(textFile); // bare LF and CRLF kept: base64, not canonicalised text
  }

  @Test
  void textOnlyMailIsOneSevenBitPart() throws Exception {
    MimeMail mail = MimeMail.builder().from("a@example.test").to("b@example.test").subject("plain")
        .text("just text\n").build();
    MimeMessage m = parse(mail.toBytes());
    assertThat(m.getContentType()).startsWith("text/plain").contains("UTF-8");
    assertThat((String) m.getContent()).startsWith("just text");
    assertThat(m.getEncoding()).isEqualTo("7bit");
    assertThat(mail.recipients()).containsExactly("b@example.test");
  }

  @Test
  void badAddressesAndMissingPartsAreRefusedWhenBuilding() {
    assertThatThrownBy(() -> MimeMail.builder().to("bad address"))
        .isInstanceOf(InvalidAddressException.class).hasMessageContaining("'bad address'");
    assertThatThrownBy(() -> MimeMail.builder().from("a@example.test").to("b@example.test").build())
        .hasMessageContaining("body");
    assertThatThrownBy(() -> MimeMail.builder().from("a@example.test").to("b@example.test").text("x")
        .inline("id@x", "a.png", "image/png", new byte[1]).build()).hasMessageContaining("HTML");
    assertThatThrownBy(() -> MimeMail.builder().subject("x\r\nBcc: evil@example.test"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
