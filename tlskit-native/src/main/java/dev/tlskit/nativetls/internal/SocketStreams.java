package dev.tlskit.nativetls.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/** The application's streams of a {@link NativeSocket}: plaintext in and out, closing the socket when closed. */
final class SocketStreams {
  private SocketStreams() {}

  static final class In extends InputStream {
    private final NativeSocket socket;

    In(NativeSocket socket) {
      this.socket = socket;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = socket.read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      return socket.read(b, off, len);
    }

    @Override
    public int available() {
      return socket.availablePlaintext();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  static final class Out extends OutputStream {
    private final NativeSocket socket;

    Out(NativeSocket socket) {
      this.socket = socket;
    }

    @Override
    public void write(int b) throws IOException {
      socket.write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len > 0) socket.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
