package dev.tlskit.internal.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The buffer starts small for idle connections and grows for bulk data without changing what is read. */
class LineInputBufferTest {
  /** Hands out at most {@code chunk} bytes per read, as a socket does. */
  static InputStream chunked(byte[] data, int chunk) {
    return new ByteArrayInputStream(data) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, chunk));
      }
    };
  }

  @Test
  void awaitingALineEndConsumesNothingAndStopsAtTheBound() throws IOException {
    LineInput in = new LineInput(chunked("220 mx ready\r\n".getBytes(StandardCharsets.US_ASCII), 3), 1024);
    assertThat(in.awaitLineEnd(100)).isTrue(); // five reads of three bytes
    assertThat(in.readLine(100)).isEqualTo("220 mx ready");

    LineInput noEnd = new LineInput(chunked("\0\u00ff\u00137\r".getBytes(StandardCharsets.ISO_8859_1), 2), 1024);
    assertThat(noEnd.awaitLineEnd(100)).as("the stream ends without LF").isFalse();
    assertThat(noEnd.buffered()).isEqualTo(5);

    LineInput tooLong = new LineInput(chunked("x".repeat(50).concat("\n").getBytes(StandardCharsets.US_ASCII), 7),
        1024);
    assertThat(tooLong.awaitLineEnd(20)).as("no LF within 20 bytes").isFalse();
    assertThat(tooLong.awaitLineEnd(60)).isTrue();
    assertThat(tooLong.readLine(60)).hasSize(50);
  }

  @Test
  void linesLongerThanTheInitialBufferAreReadWhole() throws IOException {
    String longLine = "250-" + "x".repeat(6000);
    byte[] data = (longLine + "\r\nshort\r\n" + longLine + "\n").getBytes(StandardCharsets.US_ASCII);
    LineInput in = new LineInput(chunked(data, 16 * 1024), 16 * 1024);

    assertThat(in.readLine(8192)).isEqualTo(longLine);
    assertThat(in.readLine(8192)).isEqualTo("short");
    assertThat(in.readLine(8192)).isEqualTo(longLine);
  }

  @Test
  void aFullyBufferedLineIsBoundedLikeAnyOther() throws IOException {
    byte[] data = "12345678\r\n123456789\r\n".getBytes(StandardCharsets.US_ASCII);
    LineInput in = new LineInput(new ByteArrayInputStream(data), 1024);

    assertThat(in.readLine(10)).isEqualTo("12345678"); // 10 bytes with CRLF: exactly the limit
    assertThatThrownBy(() -> in.readLine(10)).isInstanceOf(dev.tlskit.ProtocolException.class)
        .hasMessageContaining("longer than 10 bytes");
  }

  @Test
  void bulkReadsThroughAGrowingBufferReturnEveryByteInOrder() throws IOException {
    byte[] data = new byte[300_000];
    new Random(7).nextBytes(data);
    LineInput in = new LineInput(chunked(data, 20_000), 16 * 1024);
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] small = new byte[700]; // smaller than every buffer size, so every read goes through the buffer
    for (int n = in.read(small, 0, small.length); n > 0; n = in.read(small, 0, small.length)) got.write(small, 0, n);

    assertThat(got.toByteArray()).isEqualTo(data);
  }

  @Test
  void bufferedCountsWhatWasReceivedButNotConsumedAfterGrowth() throws IOException {
    byte[] data = new byte[40_000];
    InputStream source = chunked(data, 40_000);
    LineInput in = new LineInput(source, 16 * 1024);
    byte[] b = new byte[10];
    long consumed = 0;
    for (int i = 0; i < 200; i++) consumed += in.read(b, 0, b.length); // past 1 KiB: the buffer filled and grew

    assertThat(in.buffered()).isPositive();
    assertThat(consumed + in.buffered() + source.available()).isEqualTo(40_000);
    assertThat(in.available()).isEqualTo(40_000 - consumed);
  }
}
