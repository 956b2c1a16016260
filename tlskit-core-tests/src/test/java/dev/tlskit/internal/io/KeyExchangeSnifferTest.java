package dev.tlskit.internal.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The server's first flight names its group however its records and reads are cut; hostile bytes end the reading
 * without an exception and without reading past the bound.
 */
public class KeyExchangeSnifferTest {
  static final byte[] RETRY_RANDOM =
      HexFormat.of().parseHex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");

  /** A handshake message: type, 24-bit length, body. */
  static byte[] message(int type, byte[] body) {
    ByteArrayOutputStream m = new ByteArrayOutputStream();
    m.write(type);
    m.write(body.length >>> 16);
    m.write(body.length >>> 8);
    m.write(body.length);
    m.writeBytes(body);
    return m.toByteArray();
  }

  /** A ServerHello body with {@code random} and these extensions (type, data pairs); null extensions: none. */
  static byte[] hello(byte[] random, byte[]... extensions) {
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    h.writeBytes(new byte[] {3, 3});
    h.writeBytes(random);
    h.write(32); // session id
    h.writeBytes(new byte[32]);
    h.writeBytes(new byte[] {0x13, 0x01, 0}); // suite, compression
    if (extensions.length > 0) {
      int length = 0;
      for (byte[] e : extensions) length += e.length;
      h.write(length >>> 8);
      h.write(length);
      for (byte[] e : extensions) h.writeBytes(e);
    }
    return h.toByteArray();
  }

  static byte[] extension(int type, byte[] data) {
    byte[] e = new byte[4 + data.length];
    e[0] = (byte) (type >>> 8);
    e[1] = (byte) type;
    e[2] = (byte) (data.length >>> 8);
    e[3] = (byte) data.length;
    System.arraycopy(data, 0, e, 4, data.length);
    return e;
  }

  static byte[] u16(int v) {
    return new byte[] {(byte) (v >>> 8), (byte) v};
  }

  /** A ServerHello key_share: a KeyShareEntry of {@code group} with a 32-byte key. */
  static byte[] keyShare(int group) {
    byte[] data = new byte[2 + 2 + 32];
    data[0] = (byte) (group >>> 8);
    data[1] = (byte) group;
    data[3] = 32;
    return extension(51, data);
  }

  /** Cuts {@code handshake} into records of at most {@code size} bytes of type 22. */
  static byte[] records(byte[] handshake, int size) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < handshake.length; i += size) {
      int n = Math.min(size, handshake.length - i);
      out.writeBytes(new byte[] {22, 3, 3, (byte) (n >>> 8), (byte) n});
      out.write(handshake, i, n);
    }
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }

  static final byte[] CCS = {20, 3, 3, 0, 1, 1};
  static final byte[] ENCRYPTED = {23, 3, 3, 0, 4, 9, 9, 9, 9};

  static byte[] random() {
    byte[] r = new byte[32];
    Arrays.fill(r, (byte) 0x42);
    return r;
  }

  /** TLS 1.3: ServerHello (supported_versions, key_share secp384r1), CCS, encrypted records. */
  public static byte[] tls13(int group) {
    return concat(records(message(2, hello(random(), extension(43, u16(0x0304)), keyShare(group))), 1 << 14),
        CCS, ENCRYPTED);
  }

  /** TLS 1.3 after a HelloRetryRequest for {@code group}: HRR, CCS, ServerHello, encrypted records. */
  public static byte[] retried(int group) {
    byte[] hrr = message(2, hello(RETRY_RANDOM, extension(43, u16(0x0304)), extension(51, u16(group))));
    return concat(records(hrr, 1 << 14), CCS,
        records(message(2, hello(random(), keyShare(group), extension(43, u16(0x0304)))), 1 << 14), ENCRYPTED);
  }

  /** TLS 1.2: ServerHello, a 5000-byte Certificate, an ECDHE ServerKeyExchange for {@code group}, ServerHelloDone. */
  public static byte[] tls12(int group) {
    byte[] ske = new byte[3 + 1 + 65 + 2 + 2 + 64];
    ske[0] = 3;
    ske[1] = (byte) (group >>> 8);
    ske[2] = (byte) group;
    return concat(records(concat(message(2, hello(random(), extension(0xff01, new byte[] {0}))),
        message(11, new byte[5000]), message(12, ske), message(14, new byte[0])), 1 << 14));
  }

  public static KeyExchangeSniffer feed(byte[] stream, int chunk) {
    KeyExchangeSniffer s = new KeyExchangeSniffer();
    for (int i = 0; i < stream.length; i += chunk) {
      if (chunk == 1) s.feed(stream[i] & 0xff);
      else s.feed(stream, i, Math.min(chunk, stream.length - i));
    }
    return s;
  }

  @Test
  void readsTheGroupOfEachFlightHoweverItsReadsAreCut() {
    for (int chunk : new int[] {1, 2, 3, 5, 7, 64, 1 << 16}) {
      KeyExchangeSniffer s = feed(tls13(0x0018), chunk);
      assertThat(s.group()).as("chunk %d", chunk).isEqualTo(0x0018);
      assertThat(s.done()).isTrue();
      assertThat(s.helloSeen()).isTrue();
      assertThat(s.retried()).isFalse();
      assertThat(s.fromServerKeyExchange()).isFalse();

      s = feed(retried(0x0017), chunk);
      assertThat(s.group()).isEqualTo(0x0017);
      assertThat(s.retried()).isTrue();
      assertThat(s.helloSeen()).isTrue();
      assertThat(s.done()).isTrue();

      s = feed(tls12(0x11EC), chunk);
      assertThat(s.group()).isEqualTo(0x11EC);
      assertThat(s.fromServerKeyExchange()).isTrue();
      assertThat(s.done()).isTrue();
    }
  }

  @Test
  void readsTheGroupWhenHandshakeMessagesAreSplitAcrossRecordsOfEverySize() {
    byte[] hello = message(2, hello(random(), extension(43, u16(0x0304)), keyShare(0x001D)));
    for (int size = 1; size <= hello.length; size++) {
      KeyExchangeSniffer s = feed(concat(records(hello, size), CCS), 3);
      assertThat(s.group()).as("records of %d", size).isEqualTo(0x001D);
    }
    byte[] flight = tls12(0x0017);
    for (int size : new int[] {1, 4, 100, 4096}) {
      byte[] handshake = Arrays.copyOfRange(flight, 5, flight.length); // one record: its body is the handshake
      assertThat(feed(records(handshake, size), 1000).group()).isEqualTo(0x0017);
    }
  }

  /** A resumed TLS 1.2 session: ServerHello, CCS, the encrypted Finished (a handshake record too). */
  public static byte[] resumed12() {
    return concat(records(message(2, hello(random())), 1 << 14), CCS, new byte[] {22, 3, 3, 0, 40}, new byte[40]);
  }

  @Test
  void resumedTls12SessionHasNoGroupAndStopsAtChangeCipherSpec() {
    KeyExchangeSniffer s = feed(resumed12(), 1 << 16);
    assertThat(s.helloSeen()).isTrue();
    assertThat(s.group()).isEqualTo(-1);
    assertThat(s.done()).isTrue();
  }

  @Test
  void dheServerKeyExchangeIsNotTakenForACurve() {
    byte[] ske = new byte[3 + 768];
    ske[0] = 3; // the length of a 6144-bit prime starts with 3, like curve_type named_curve
    byte[] flight = records(concat(message(2, hello(random())), message(12, ske), message(14, new byte[0])), 1000);
    KeyExchangeSniffer s = feed(flight, 100);
    assertThat(s.fromServerKeyExchange()).isTrue(); // SecurityInfos trusts it for ECDHE suites only
    ske[0] = 1;
    assertThat(feed(records(concat(message(2, hello(random())), message(12, ske)), 1000), 100).group())
        .isEqualTo(-1);
  }

  @Test
  void stopsAtAnAlertGarbageOrAMalformedHello() {
    assertThat(feed(HexFormat.of().parseHex("15030300020228"), 1).done()).isTrue();
    assertThat(feed("HTTP/1.1 400 Bad Request\r\n".getBytes(), 4).done()).isTrue();
    byte[] hello = message(2, hello(random(), keyShare(0x001D)));
    hello[hello.length - 42] = 0x7f; // the extensions' length no longer fits the message
    KeyExchangeSniffer s = feed(records(hello, 1 << 14), 1);
    assertThat(s.done()).isTrue();
    assertThat(s.group()).isEqualTo(-1);
  }

  @Test
  void readsNoFurtherThanItsBoundAndNeverThrowsOnHostileBytes() {
    // Endless certificate records of the largest size: the reader gives up after MAX_FLIGHT bytes.
    byte[] record = concat(new byte[] {22, 3, 3, 0x40, 0}, new byte[1 << 14]);
    record[5] = 11; // Certificate, 16 MiB long
    record[6] = (byte) 0xff;
    record[7] = (byte) 0xff;
    record[8] = (byte) 0xff;
    KeyExchangeSniffer s = new KeyExchangeSniffer();
    long fed = 0;
    while (!s.done()) {
      s.feed(record, 0, record.length);
      fed += record.length;
      assertThat(fed).isLessThan(KeyExchangeSniffer.MAX_FLIGHT + 2L * record.length);
    }
    Random random = new Random(19);
    byte[][] seeds = {tls13(0x001D), retried(0x0017), tls12(0x0018)};
    for (int i = 0; i < 20_000; i++) {
      byte[] b = seeds[i % seeds.length].clone();
      int edits = 1 + random.nextInt(4);
      for (int e = 0; e < edits; e++) b[random.nextInt(b.length)] = (byte) random.nextInt(256);
      int cut = random.nextInt(b.length + 1); // truncated too
      KeyExchangeSniffer t = feed(Arrays.copyOf(b, cut), 1 + random.nextInt(50));
      assertThat(t.group()).isBetween(-1, 0xffff);
    }
    for (int i = 0; i < 2_000; i++) {
      byte[] b = new byte[random.nextInt(3000)];
      random.nextBytes(b);
      if (b.length > 5) {
        b[0] = 22;
        b[1] = 3;
      }
      feed(b, 1 + random.nextInt(100));
    }
  }
}
