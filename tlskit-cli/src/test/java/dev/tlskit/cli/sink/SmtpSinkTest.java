package dev.tlskit.cli.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.CertifiedKey;
import dev.tlskit.ServerCertificates;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsServer;
import dev.tlskit.certs.HeldCertificate;
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
