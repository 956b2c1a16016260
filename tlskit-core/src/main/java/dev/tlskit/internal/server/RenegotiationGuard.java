package dev.tlskit.internal.server;

import dev.tlskit.internal.net.TransportSocket;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import javax.net.ssl.SSLHandshakeException;

/**
 * Refuses a client-initiated renegotiation before the TLS layer sees it: reads the client's TLS records under the
 * server's TLS socket and, once {@link #arm() armed} at the end of the first handshake, fails on any handshake record
 * (content type 22). After a TLS 1.2 handshake the only handshake message a client may send is a renegotiating
 * ClientHello; after TLS 1.3 every record is sent as application data (type 23), so a type-22 record is never
 * legitimate. The failure is an {@link SSLHandshakeException}, on which the JDK sends a handshake_failure alert and
 * closes the connection, as its own {@code jdk.tls.rejectClientInitiatedRenegotiation} would.
 */
public final class RenegotiationGuard extends FilterInputStream implements TransportSocket.SkipAware {
  private static final int HEADER = 5;
  private static final int HANDSHAKE = 22;

  private final Runnable onRefused;
  private volatile boolean armed;
  private int headerAt; // position in the current record header, HEADER while in a body
  private int lengthHigh;
  private int bodyLeft;

  /** Wraps the raw input of a server connection at the start of its TLS stream; {@code onRefused} runs once. */
  public RenegotiationGuard(InputStream in, Runnable onRefused) {
    super(in);
    this.onRefused = onRefused;
  }

  /**
   * Starts refusing handshake records: call when the first handshake has completed. Reads go straight to the socket
   * from then on when the input was the handshake's {@link HandshakeAcks}, whose work is done.
   */
  public void arm() {
    if (in instanceof HandshakeAcks acks) in = acks.source();
    armed = true;
  }

  @Override
  public int read() throws IOException {
    int v = in.read();
    if (v >= 0) scan(new byte[] {(byte) v}, 0, 1);
    return v;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) scan(b, off, off + n);
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    return read(new byte[(int) Math.min(n, 8192)], 0, (int) Math.min(n, 8192));
  }

  /** Record body bytes read past this guard (a native engine reads bodies through the channel): they end no body. */
  @Override
  public void skipped(int n) {
    bodyLeft -= n;
  }

  private void scan(byte[] b, int from, int to) throws IOException {
    int i = from;
    while (i < to) {
      if (bodyLeft > 0) {
        int step = Math.min(bodyLeft, to - i);
        bodyLeft -= step;
        i += step;
        continue;
      }
      if (headerAt == 0 && to - i >= HEADER) { // a whole header in this read, as a TLS layer reads it
        checkType(b[i] & 0xff);
        bodyLeft = (b[i + 3] & 0xff) << 8 | b[i + 4] & 0xff;
        i += HEADER;
        continue;
      }
      int v = b[i++] & 0xff;
      switch (headerAt++) {
        case 0 -> checkType(v);
        case 3 -> lengthHigh = v;
        case 4 -> {
          bodyLeft = lengthHigh << 8 | v;
          headerAt = 0;
        }
        default -> { }
      }
    }
  }

  private void checkType(int type) throws SSLHandshakeException {
    if (type == HANDSHAKE && armed) {
      armed = false; // report once; the connection ends with this exception
      onRefused.run();
      throw new SSLHandshakeException("client-initiated renegotiation refused");
    }
  }
}
