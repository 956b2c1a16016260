package dev.tlskit.cli.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.CertifiedKey;
import dev.tlskit.ServerCertificates;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsServer;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.smtp.SmtpClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SMTP sink's command handling, as scripted plaintext transcripts (TLS paths are covered with real clients). */
class SmtpSinkTest {
  @TempDir Path spool;
  TlsServer server;
  Socket socket;
  BufferedReader in;
  OutputStream out;
  final List<String> log = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    HeldCertificate ca = HeldCertificate.root("Sink Test CA");
    HeldCertificate leaf = HeldCertificate.leaf(ca, "localhost");
    server = TlsServer.builder(new SmtpSink("sink.test", true, 200, new Spool(spool), log::add),
        ServerCertificates.of(CertifiedKey.of(leaf.privateKey(), leaf.chain()))).mode(TlsMode.STARTTLS).start();
    socket = new Socket("127.0.0.1", server.port());
    socket.setSoTimeout(10_000);
    in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    out = socket.getOutputStream();
    assertThat(in.readLine()).isEqualTo("220 sink.test ESMTP tlskit sink ready");
  }

  @AfterEach
  void stop() throws IOException {
    socket.close();
    server.close();
  }

  /** Sends {@code line} and returns the last line of the reply. */
  String send(String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
    String l;
    do {
      l = in.readLine();
    } while (l != null && l.length() > 3 && l.charAt(3) == '-');
    return l;
  }

  @Test
  void commandsOutOfOrderAreRefusedWithTheirCodes() throws Exception {
    assertThat(send("MAIL FROM:<a@x.test>")).startsWith("503 5.5.1 EHLO first");
    assertThat(send("EHLO")).startsWith("501");
    assertThat(send("HELO client.test")).isEqualTo("250 sink.test");
    assertThat(send("RCPT TO:<b@x.test>")).startsWith("503 5.5.1 MAIL first");
    assertThat(send("DATA")).startsWith("503 5.5.1 RCPT first");
    assertThat(send("MAIL FROM:a@x.test")).startsWith("501");
    assertThat(send("MAIL FROM:<a@x.test>")).startsWith("250");
    assertThat(send("MAIL FROM:<a@x.test>")).startsWith("503 5.5.1 nested");
    assertThat(send("RSET")).startsWith("250");
    assertThat(send("RCPT TO:<b@x.test>")).startsWith("503");
    assertThat(send("NOOP")).startsWith("250");
    assertThat(send("VRFY someone")).startsWith("252");
    assertThat(send("STARTTLS now")).startsWith("501");
    assertThat(send("AUTH PLAIN AGEAYg==")).startsWith("538 5.7.11");
    assertThat(send("XYZZY")).startsWith("500");
    assertThat(send("X".repeat(3000))).startsWith("500 5.5.6");
    assertThat(in.readLine()).as("closed after an overlong line").isNull();
  }

  @Test
  void dataIsDotUnstuffedAndSpooledWithTheEnvelope() throws Exception {
    send("EHLO client.test");
    send("MAIL FROM:<a@x.test>");
    assertThat(send("RCPT TO:<b@x.test>")).startsWith("250");
    assertThat(send("RCPT TO:<c@x.test>")).startsWith("250");
    assertThat(send("DATA")).startsWith("354");
    String reply = send("Subject: t\r\n\r\n..one dot\r\n...two dots\r\nplain\r\n.");
    assertThat(reply).startsWith("250 2.0.0 OK queued as ");
    Path eml = spool.resolve(reply.substring("250 2.0.0 OK queued as ".length()));
    String text = Files.readString(eml);
    assertThat(text).startsWith("Return-Path: <a@x.test>\r\nX-Tlskit-Rcpt: <b@x.test>\r\nX-Tlskit-Rcpt: <c@x.test>\r\n")
        .contains("with ESMTP;").endsWith("Subject: t\r\n\r\n.one dot\r\n..two dots\r\nplain\r\n");
    assertThat(log).singleElement().asString().contains("from <a@x.test> to [b@x.test, c@x.test]");
    assertThat(send("QUIT")).startsWith("221");
  }

  /**
   * SMTP smuggling: only {@code <CRLF>.<CRLF>} ends DATA. Each of these look-alike endings is followed, in the same
   * write, by a second transaction; the sink must spool one message that contains the second transaction as text.
   */
  @ParameterizedTest
  @ValueSource(strings = {"\r\n.\n", "\n.\r\n", "\n.\n", "\r.\r\n", "\r\n.\r", "\r.\r"})
  void onlyCrlfDotCrlfEndsDataSoASecondTransactionCannotBeSmuggled(String fakeEnd) throws Exception {
    send("EHLO client.test");
    send("MAIL FROM:<a@x.test>");
    send("RCPT TO:<b@x.test>");
    assertThat(send("DATA")).startsWith("354");
    String smuggled = "MAIL FROM:<x@evil.test>\r\nRCPT TO:<y@evil.test>\r\nDATA\r\nforged\r\n";
    String reply = send("Subject: s\r\n\r\nhi" + fakeEnd + smuggled + ".");
    assertThat(reply).startsWith("250 2.0.0 OK queued as ");
    assertThat(send("NOOP")).as("no reply was pending from a smuggled transaction").isEqualTo("250 2.0.0 OK");
    try (var files = Files.list(spool)) {
      assertThat(files.filter(f -> f.toString().endsWith(".eml"))).singleElement();
    }
    String text = Files.readString(spool.resolve(reply.substring("250 2.0.0 OK queued as ".length())));
    // a dot that starts a line (after CRLF) is unstuffed, RFC 5321 section 4.5.2; one after a bare CR or LF is not
    String kept = fakeEnd.startsWith("\r\n.") ? "\r\n" + fakeEnd.substring(3) : fakeEnd;
    assertThat(text).endsWith("Subject: s\r\n\r\nhi" + kept + smuggled);
    assertThat(log).singleElement().asString().contains("from <a@x.test> to [b@x.test]");
  }

  /**
   * The client side of the same rule: whatever line endings a message given to {@link SmtpClient} holds, its
   * DotStuffer sends them as CRLF with leading dots doubled, so the body cannot end DATA early; the sink spools one
   * message with the text intact (line endings made CRLF).
   */
  @Test
  void aBodyGivenToSmtpClientCannotEndTheDataEarly() throws Exception {
    String body = "a\n.\nMAIL FROM:<x@evil.test>\r\n.\r\nb\r.\rc\r\n.\nd\n.\r\n.";
    byte[] message = ("Subject: dots\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
    try (SmtpClient smtp = SmtpClient.connect(TlsClient.builder().build(), "127.0.0.1", server.port(), "localhost",
        TlsMode.NONE, "client.test")) {
      assertThat(smtp.send("a@x.test", List.of("b@x.test"), message).accepted()).containsExactly("b@x.test");
      smtp.quit();
    }
    try (var files = Files.list(spool)) {
      List<Path> eml = files.filter(f -> f.toString().endsWith(".eml")).toList();
      assertThat(eml).as("one message").hasSize(1);
      assertThat(Files.readString(eml.get(0))).endsWith("Subject: dots\r\n\r\n"
          + "a\r\n.\r\nMAIL FROM:<x@evil.test>\r\n.\r\nb\r\n.\r\nc\r\n.\r\nd\r\n.\r\n.\r\n");
    }
    assertThat(log).hasSize(1);
  }

  @Test
  void anOversizedMessageIsReadToTheEndAndRefused() throws Exception {
    send("EHLO client.test");
    send("MAIL FROM:<a@x.test>");
    send("RCPT TO:<b@x.test>");
    assertThat(send("DATA")).startsWith("354");
    assertThat(send("x".repeat(150) + "\r\n" + "y".repeat(150) + "\r\n.")).startsWith("552 5.3.4");
    assertThat(send("NOOP")).as("the session goes on").startsWith("250");
    try (var files = Files.list(spool)) {
      assertThat(files.filter(f -> f.toString().endsWith(".eml"))).isEmpty();
    }
  }
}
