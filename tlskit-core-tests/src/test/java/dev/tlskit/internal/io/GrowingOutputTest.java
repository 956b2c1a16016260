package dev.tlskit.internal.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The client connection's output buffer: small until writes fill it, chunks of the maximum below, bytes intact. */
class GrowingOutputTest {
  /** Records every write that reaches the layer below (the TLS socket: one write is one or more records). */
  static final class Below extends OutputStream {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final List<Integer> writes = new ArrayList<>();
    int flushes;

    @Override
    public void write(int b) {
      writes.add(1);
      bytes.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      writes.add(len);
      bytes.write(b, off, len);
    }

    @Override
    public void flush() {
      flushes++;
    }
  }

  @Test
  void aConnectionThatWritesLittleKeepsTheSmallBuffer() throws IOException {
    Below below = new Below();
    GrowingOutput out = new GrowingOutput(below, 16 * 1024);
    out.write('P');
    out.write("EHLO client.example\r\n".getBytes());
    out.flush();
    assertThat(out.capacity()).isEqualTo(GrowingOutput.INITIAL_SIZE);
    assertThat(below.writes).containsExactly(22);
    assertThat(below.flushes).isEqualTo(1);
  }

  @Test
  void smallWritesBetweenFlushesReachTheLayerBelowInChunksOfTheMaximum() throws IOException {
    Below below = new Below();
    GrowingOutput out = new GrowingOutput(below, 16 * 1024);
    byte[] piece = new byte[1000];
    for (int i = 0; i < 40; i++) out.write(piece);
    assertThat(out.capacity()).isEqualTo(16 * 1024);
    out.flush();
    assertThat(below.writes).containsExactly(16_000, 16_000, 8_000);
  }

  @Test
  void aWriteOfTheMaximumOrMoreGoesStraightDownAfterWhatIsBuffered() throws IOException {
    Below below = new Below();
    GrowingOutput out = new GrowingOutput(below, 4096);
    out.write(new byte[10]);
    out.write(new byte[4096]);
    out.write(new byte[70_000]);
    assertThat(below.writes).containsExactly(10, 4096, 70_000);
    assertThat(out.capacity()).isEqualTo(GrowingOutput.INITIAL_SIZE);
  }

  @Test
  void everyByteArrivesInOrderWhateverTheWriteSizes() throws IOException {
    Below below = new Below();
    GrowingOutput out = new GrowingOutput(below, 16 * 1024);
    Random random = new Random(18);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    for (int i = 0; i < 2000; i++) {
      if (random.nextInt(5) == 0) {
        int b = random.nextInt(256);
        out.write(b);
        expected.write(b);
      } else {
        byte[] chunk = new byte[random.nextInt(random.nextBoolean() ? 600 : 20_000)];
        random.nextBytes(chunk);
        int off = chunk.length == 0 ? 0 : random.nextInt(chunk.length);
        out.write(chunk, off, chunk.length - off);
        expected.write(chunk, off, chunk.length - off);
      }
      if (random.nextInt(50) == 0) out.flush();
    }
    out.close();
    assertThat(below.bytes.toByteArray()).isEqualTo(expected.toByteArray());
    assertThat(below.writes).allMatch(n -> n > 0);
  }
}
