package dev.tlskit.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Hostile and odd server answers: the reader returns a typed result or a typed error, with bounded memory. */
class FlightReaderTest {
  private static ServerFlight read(byte[] bytes) throws IOException {
    return new FlightReader(new ByteArrayInputStream(bytes), true).read();
  }

  private static byte[] record(int type, byte[] body) {
    return new ClientHello.Buf().u8(type).u16(0x0303).u16(body.length).bytes(body).toByteArray();
  }

  /** A TLS 1.2 ServerHello with the given suite and an extensions block. */
  private static byte[] serverHello(int suite, byte[] extensions) {
    ClientHello.Buf b = new ClientHello.Buf().u16(0x0303).bytes(new byte[32]).u8(0).u16(suite).u8(0);
    b.u16(extensions.length).bytes(extensions);
    byte[] body = b.toByteArray();
    return new ClientHello.Buf().u8(2).u24(body.length).bytes(body).toByteArray();
  }

  @Test
  void alertIsARefusalWithItsDescription() throws IOException {
    ServerFlight f = read(record(21, new byte[] {2, 70}));
    assertThat(f.kind()).isEqualTo(ServerFlight.Kind.ALERT);
    assertThat(f.refusal()).isEqualTo("alert protocol_version (70)");
  }

  @Test
  void closeWithoutAnswerIsARefusal() throws IOException {
    assertThat(read(new byte[0]).kind()).isEqualTo(ServerFlight.Kind.CLOSED);
  }

  @Test
  void plaintextBannerIsNotTlsAndQuotedInTheError() {
    assertThatThrownBy(() -> read("220 mail.example.com ESMTP\r\n".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(MalformedTlsException.class).hasMessageContaining("not a TLS record")
        .hasMessageContaining("220 m");
  }

  @Test
  void plaintextBusyReplyWhereTlsWasExpectedIsATemporaryRefusal() {
    for (String busy : new String[] {"421 Too many concurrent SMTP connections; please try again later.\r\n",
        "* BYE Too many connections\r\n", "-ERR [SYS/TEMP] try later\r\n", "421-busy\r\n421 busy\r\n"}) {
      assertThatThrownBy(() -> read(busy.getBytes(StandardCharsets.US_ASCII))).as(busy)
          .isInstanceOf(TemporaryRefusal.class).hasMessageContaining(busy.substring(0, 5).strip())
          .extracting(e -> ((TemporaryRefusal) e).cause()).isEqualTo(ProbeReport.Incomplete.Cause.REFUSED);
    }
    assertThatThrownBy(() -> read("554 go away\r\n".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(MalformedTlsException.class);
  }

  @Test
  void serverHelloSplitAcrossRecordsIsReassembled() throws IOException {
    byte[] ext = new ClientHello.Buf().u16(0xFF01).u16(1).u8(0).toByteArray();
    byte[] hello = serverHello(0xC02F, ext);
    byte[] done = {14, 0, 0, 0};
    byte[] a = record(22, Arrays.copyOfRange(hello, 0, 10));
    byte[] b = record(22, Arrays.copyOfRange(hello, 10, hello.length));
    byte[] c = record(22, done);
    ClientHello.Buf all = new ClientHello.Buf().bytes(a).bytes(b).bytes(c);

    ServerFlight f = read(all.toByteArray());
    assertThat(f.kind()).isEqualTo(ServerFlight.Kind.SERVER_HELLO);
    assertThat(f.suite().name()).isEqualTo("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    assertThat(f.secureRenegotiation()).isTrue();
    assertThat(f.extendedMasterSecret()).isFalse();
  }

  @Test
  void truncatedServerHelloIsMalformed() {
    byte[] hello = serverHello(0xC02F, new byte[0]);
    byte[] body = Arrays.copyOf(hello, hello.length);
    body[3] = 10; // claims 10 bytes: too short for a ServerHello
    assertThatThrownBy(() -> read(record(22, Arrays.copyOf(body, 14))))
        .isInstanceOf(MalformedTlsException.class).hasMessageContaining("truncated");
  }

  @Test
  void extensionLengthBeyondItsBlockIsMalformed() {
    byte[] ext = new ClientHello.Buf().u16(43).u16(200).u16(0x0304).toByteArray();
    assertThatThrownBy(() -> read(record(22, serverHello(0x1301, ext))))
        .isInstanceOf(MalformedTlsException.class);
  }

  @Test
  void oversizedRecordIsRefusedBeforeReadingIt() {
    byte[] header = {22, 3, 3, (byte) 0xFF, (byte) 0xFF};
    assertThatThrownBy(() -> read(header)).isInstanceOf(MalformedTlsException.class);
  }

  @Test
  void endlessFlightIsCutAtTheLimit() {
    byte[] cert = new byte[16000];
    cert[0] = 11; // a Certificate message that never ends
    cert[1] = (byte) 0xFF;
    cert[2] = (byte) 0xFF;
    cert[3] = (byte) 0xFF;
    ClientHello.Buf all = new ClientHello.Buf().bytes(record(22, serverHello(0xC02F, new byte[0])));
    for (int i = 0; i < 20; i++) all.bytes(record(22, i == 0 ? cert : new byte[16000]));
    assertThatThrownBy(() -> read(all.toByteArray())).isInstanceOf(MalformedTlsException.class)
        .hasMessageContaining("longer than");
  }
}
