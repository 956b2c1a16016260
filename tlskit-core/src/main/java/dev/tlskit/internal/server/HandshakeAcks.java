package dev.tlskit.internal.server;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.function.LongSupplier;
import jdk.net.ExtendedSocketOptions;

/**
 * Has the kernel acknowledge the client's handshake records as they come (Linux TCP_QUICKACK) rather than up to 40 ms
 * later, so that a client with Nagle's algorithm on sends its next record at once. A raw JDK {@code SSLSocket} leaves
 * Nagle on and writes its TLS 1.3 change_cipher_spec, its Finished and its first application data as three small
 * writes; Linux, the server having just written its flight, acknowledges the change_cipher_spec only when its delayed
 * ACK timer fires (it takes the exchange for ping-pong), and until then Nagle holds the client's Finished: 35 to 48 ms
 * per handshake (measured), full or resumed, against any server that does not ask. Asked before the first read after
 * each flight the server wrote (one system call per flight, none after the handshake), the kernel leaves ping-pong
 * mode: it acknowledges the next segments on arrival, or one that came already as soon as this read drains it. Does
 * nothing on a socket without the option (not Linux, or an adopted socket of another kind).
 */
final class HandshakeAcks extends FilterInputStream {
  private final Socket raw;
  private LongSupplier written = () -> 0;
  private long ackedAt;
  private final boolean supported;

  /** Reads {@code in}, the input of the accepted socket {@code raw}. */
  HandshakeAcks(InputStream in, Socket raw) {
    super(in);
    this.raw = raw;
    this.supported = hasQuickAck(raw);
  }

  private static boolean hasQuickAck(Socket s) {
    try {
      return s.supportedOptions().contains(ExtendedSocketOptions.TCP_QUICKACK);
    } catch (RuntimeException e) { // a Socket subclass without an implementation
      return false;
    }
  }

  /** Watches {@code written}, the bytes written so far over the socket: a change is a flight the server wrote. */
  void watch(LongSupplier written) {
    this.written = written;
  }

  /**
   * Returns the stream this reads: what the reader above reads instead once the handshake is done (then the exchange
   * is the application's, see {@link RenegotiationGuard#arm()}).
   */
  InputStream source() {
    return in;
  }

  @Override
  public int read() throws IOException {
    beforeRead();
    return in.read();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    beforeRead();
    return in.read(b, off, len);
  }

  private void beforeRead() {
    if (!supported) return;
    long w = written.getAsLong();
    if (w == ackedAt) return; // nothing written since the last time: the kernel is out of ping-pong mode already
    ackedAt = w;
    try {
      raw.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
    } catch (IOException e) {
      // closed or reset: the read says so
    }
  }
}
