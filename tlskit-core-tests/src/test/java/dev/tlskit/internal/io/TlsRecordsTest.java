package dev.tlskit.internal.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ProtocolException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** A TLS record where a line should start is named at once; text lines, odd ones included, are read as before. */
class TlsRecordsTest {
  private static LineInput input(byte[] data, int chunk) {
    return new LineInput(LineInputBufferTest.chunked(data, chunk), 1024);
  }

  private static byte[] hex(String s) {
    return HexFormat.ofDelimiter(" ").parseHex(s);
  }

  @Test
  void alertIsNamedEvenWhenItArrivesOneByteAtATime() {
    for (int chunk : new int[] {1, 1024}) {
      LineInput in = input(hex("15 03 03 00 02 02 28"), chunk);
      assertThatThrownBy(() -> in.refuseTlsRecord("mx.example"))
          .isInstanceOf(ProtocolException.class)
          .hasMessage("mx.example answered in TLS where a plaintext protocol line was expected: a TLS alert: fatal"
              + " handshake_failure (40) (the port speaks TLS from the first byte, or the server refused the"
              + " plaintext exchange in TLS)");
    }
  }

  @Test
  void alertWhoseDescriptionIsTheLineFeedByteIsStillAnAlert() {
    LineInput in = input(hex("15 03 01 00 02 02 0a"), 1);
    assertThatThrownBy(() -> in.refuseTlsRecord("peer")).hasMessageContaining("fatal unexpected_message (10)");
  }

  @Test
  void handshakeRecordIsNamed() {
    LineInput in = input(hex("16 03 01 00 7a 02 00 00 76"), 3);
    assertThatThrownBy(() -> in.refuseTlsRecord("peer")).hasMessageContaining(": a TLS handshake record (");
  }

  @Test
  void alertCutShortAfterItsHeaderIsStillTls() {
    LineInput in = input(hex("15 03 03 00 02"), 1);
    assertThatThrownBy(() -> in.refuseTlsRecord("peer")).hasMessageContaining(": a TLS alert (");
  }

  @Test
  void textLinesAreLeftAlone() throws IOException {
    // Lines that start with a record type byte but are not record headers, then ordinary ones.
    byte[] data = ("\u0015\r\n\u0016\u0003\u0009x\r\n\u0017\u0003\u0003\u0000\u0000\r\n220 ready\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    for (int chunk : new int[] {1, 1024}) {
      LineInput in = input(data, chunk);
      in.refuseTlsRecord("peer");
      assertThat(in.readLine(100)).isEqualTo("\u0015");
      in.refuseTlsRecord("peer");
      assertThat(in.readLine(100)).isEqualTo("\u0016\u0003\u0009x");
      in.refuseTlsRecord("peer"); // a zero-length record does not exist
      assertThat(in.readLine(100)).isEqualTo("\u0017\u0003\u0003\u0000\u0000");
      in.refuseTlsRecord("peer");
      assertThat(in.readLine(100)).isEqualTo("220 ready");
      in.refuseTlsRecord("peer"); // end of stream: left to readLine
    }
  }
}
