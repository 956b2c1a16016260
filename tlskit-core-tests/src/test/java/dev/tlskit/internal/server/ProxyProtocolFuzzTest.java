package dev.tlskit.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import dev.tlskit.ProtocolException;

/**
 * Fuzzes the PROXY protocol v1/v2 reader with peer bytes. Seeds (ProxyProtocolFuzzTestInputs) are headers as HAProxy
 * sends them. The reader may only return a header or throw {@link ProtocolException} / {@link EOFException}, and never
 * reads more than its bound (107 bytes for v1, 16 + 1024 for v2), so the bytes after the header stay unread.
 */
class ProxyProtocolFuzzTest {
  private static final int MAX_HEADER = 16 + 1024;

  @FuzzTest(maxDuration = "2m")
  void readsHeaderOrThrowsProtocolException(byte[] data) {
    ByteArrayInputStream in = new ByteArrayInputStream(data);
    try {
      ProxyProtocol.Header header = ProxyProtocol.read(in);
      if (header.source() != null) {
        assertThat(header.source().isUnresolved()).isFalse();
        assertThat(header.source().getPort()).isBetween(0, 65535);
      }
    } catch (ProtocolException | EOFException expected) {
      // typed refusal or a truncated header
    } catch (IOException e) {
      throw new AssertionError("untyped I/O failure on peer bytes", e);
    }
    int consumed = data.length - in.available();
    assertThat(consumed).isLessThanOrEqualTo(MAX_HEADER);
  }
}
