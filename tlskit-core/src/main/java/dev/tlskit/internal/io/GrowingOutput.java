package dev.tlskit.internal.io;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * Buffers writes in a buffer that starts at 512 bytes and doubles, up to a maximum, only while writes between two
 * flushes fill it: a connection that writes little (a command, a ping) allocates 512 bytes, not the maximum, and one
 * that streams small writes still hands the layer below chunks of the maximum size (full TLS records). A write of
 * the maximum or more goes straight down after what is buffered. Thread-safe, as {@link java.io.BufferedOutputStream}.
 */
public final class GrowingOutput extends FilterOutputStream {
  static final int INITIAL_SIZE = 512;

  private final int max;
  private byte[] buf;
  private int count;

  /** Buffers {@code out} in up to {@code max} bytes. */
  public GrowingOutput(OutputStream out, int max) {
    super(out);
    if (max < 1) throw new IllegalArgumentException("buffer maximum must be positive: " + max);
    this.max = max;
    this.buf = new byte[Math.min(INITIAL_SIZE, max)];
  }

  @Override
  public synchronized void write(int b) throws IOException {
    makeRoom(1);
    buf[count++] = (byte) b;
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len >= max) {
      flushBuffer();
      out.write(b, off, len);
      return;
    }
    makeRoom(len);
    System.arraycopy(b, off, buf, count, len);
    count += len;
  }

  @Override
  public synchronized void flush() throws IOException {
    flushBuffer();
    out.flush();
  }

  /** Returns the buffer's current size (for tests). */
  synchronized int capacity() {
    return buf.length;
  }

  /** Makes room for {@code len} (less than the maximum) more bytes: writes out what is buffered, or grows, or both. */
  private void makeRoom(int len) throws IOException {
    if (len <= buf.length - count) return;
    if (count + len > max) flushBuffer(); // would not fit even at the maximum
    if (len > buf.length - count) {
      int size = buf.length;
      while (size < count + len) size = Math.min(max, size * 2);
      buf = Arrays.copyOf(buf, size);
    }
  }

  private void flushBuffer() throws IOException {
    if (count > 0) {
      out.write(buf, 0, count);
      count = 0;
    }
  }
}
