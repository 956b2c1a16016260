package dev.tlskit.internal.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the reader of a server's first flight with peer bytes: the first byte sets the size of the reads (1 to 64
 * bytes), the rest is the stream. Seeds (KeyExchangeSnifferFuzzTestInputs) are a TLS 1.3 flight, one after a
 * HelloRetryRequest and a TLS 1.2 ECDHE flight. It may never throw, its group is a two-byte code point or -1, and
 * once done it stays done with the same answer.
 */
class KeyExchangeSnifferFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void readsAnyBytesWithoutThrowing(byte[] data) {
    if (data.length == 0) return;
    int chunk = 1 + (data[0] & 0x3f);
    KeyExchangeSniffer s = new KeyExchangeSniffer();
    for (int i = 1; i < data.length; i += chunk) {
      boolean wasDone = s.done();
      int group = s.group();
      int n = Math.min(chunk, data.length - i);
      if (n == 1) s.feed(data[i] & 0xff);
      else s.feed(data, i, n);
      if (wasDone) assertThat(s.done() && s.group() == group).isTrue();
      assertThat(s.group()).isBetween(-1, 0xffff);
    }
  }
}
