package dev.tlskit.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class RenegotiationGuardTest {
  /** A TLS record of {@code type} whose body is {@code length} bytes of {@code fill}. */
  static byte[] record(int type, int length, int fill) {
    byte[] r = new byte[5 + length];
    r[0] = (byte) type;
    r[1] = 3;
    r[2] = 3;
    r[3] = (byte) (length >> 8);
    r[4] = (byte) length;
    Arrays.fill(r, 5, r.length, (byte) fill);
    return r;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }

  /** Reads {@code chunk} bytes at a time, as a TLS layer reading headers and bodies in pieces might. */
  static int drain(InputStream in, int chunk) throws IOException {
    byte[] buf = new byte[chunk];
    int total = 0;
    for (int n; (n = chunk == 1 ? single(in, buf) : in.read(buf, 0, chunk)) > 0; ) total += n;
    return total;
  }

  static int single(InputStream in, byte[] buf) throws IOException {
    int b = in.read();
    if (b < 0) return -1;
    buf[0] = (byte) b;
    return 1;
  }

  @Test
  void handshakeRecordsPassUntilArmedThenTheFirstOneFails() throws IOException {
    for (int chunk : new int[] {1, 2, 3, 7, 5000}) {
      // A handshake, then application data whose body is full of 22s, then a renegotiating ClientHello.
      byte[] handshake = concat(record(22, 300, 1), record(20, 1, 1), record(22, 40, 22));
      byte[] after = concat(record(23, 1000, 22), record(21, 2, 22), record(23, 16, 0));
      AtomicInteger refused = new AtomicInteger();
      RenegotiationGuard g = new RenegotiationGuard(
          new ByteArrayInputStream(concat(handshake, after, record(22, 200, 1))), refused::incrementAndGet);
      byte[] first = new byte[handshake.length];
      int got = 0;
      while (got < first.length) got += g.read(first, got, Math.min(chunk, first.length - got));
      g.arm();
      byte[] second = new byte[after.length];
      got = 0;
      while (got < second.length) got += g.read(second, got, Math.min(chunk, second.length - got));
      assertThat(refused).as("chunk %d", chunk).hasValue(0);
      assertThatThrownBy(() -> drain(g, chunk)).isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("renegotiation refused");
      assertThat(refused).as("chunk %d", chunk).hasValue(1);
    }
  }

  @Test
  void unarmedGuardPassesEverything() throws IOException {
    RenegotiationGuard g = new RenegotiationGuard(new ByteArrayInputStream(concat(record(22, 10, 0),
        record(22, 10, 0))), () -> {
      throw new AssertionError("refused while not armed");
    });
    assertThat(drain(g, 4)).isEqualTo(30);
  }

  @Test
  void recordsSplitAnywhereAcrossReadsAreTrackedExactly() throws IOException {
    // Reads of random sizes: headers split across reads, whole headers behind the end of a body, empty bodies.
    java.util.Random random = new java.util.Random(18);
    for (int trial = 0; trial < 200; trial++) {
      ByteArrayOutputStream stream = new ByteArrayOutputStream();
      for (int r = 0; r < 30; r++) {
        int length = random.nextInt(4) == 0 ? random.nextInt(3) : random.nextInt(700);
        stream.writeBytes(record(random.nextBoolean() ? 23 : 21, length, 22)); // bodies full of 22s
      }
      int allowed = stream.size();
      stream.writeBytes(record(22, 40, 1));
      byte[] bytes = stream.toByteArray();
      AtomicInteger refused = new AtomicInteger();
      RenegotiationGuard g = new RenegotiationGuard(new ByteArrayInputStream(bytes), refused::incrementAndGet);
      g.arm();
      byte[] buf = new byte[bytes.length];
      int got = 0;
      try {
        while (true) {
          int n = g.read(buf, got, Math.min(1 + random.nextInt(random.nextBoolean() ? 8 : 900), buf.length - got));
          if (n <= 0) break;
          got += n;
        }
        throw new AssertionError("trial " + trial + ": the handshake record passed");
      } catch (SSLHandshakeException expected) {
        assertThat(refused).hasValue(1);
        // refused in the read that reached the handshake record's type byte, not before
        assertThat(got).as("trial %d", trial).isLessThanOrEqualTo(allowed).isGreaterThan(allowed - 900);
      }
    }
  }

  /**
   * Once armed, the guard reads the socket's stream itself: the handshake's {@link HandshakeAcks} (asked before each
   * read after a flight) is no longer in the path of the connection's reads.
   */
  @Test
  void armingDropsTheHandshakesAckLayerFromLaterReads() throws IOException {
    AtomicInteger asked = new AtomicInteger();
    byte[] data = concat(record(22, 10, 1), record(23, 10, 2), record(23, 10, 3));
    try (java.net.Socket unconnected = new java.net.Socket()) {
      HandshakeAcks acks = new HandshakeAcks(new ByteArrayInputStream(data), unconnected);
      acks.watch(() -> asked.incrementAndGet()); // every read while handshaking asks for the bytes written
      RenegotiationGuard guard = new RenegotiationGuard(acks, () -> { });
      assertThat(guard.read(new byte[15], 0, 15)).isEqualTo(15); // the handshake's record
      int whileHandshaking = asked.get();
      guard.arm();
      assertThat(guard.read(new byte[15], 0, 15)).isEqualTo(15);
      assertThat(guard.read(new byte[15], 0, 15)).isEqualTo(15);
      assertThat(asked.get()).isEqualTo(whileHandshaking);
    }
  }
}
