package dev.tlskit.internal.server;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.LongAdder;

/** Streams that add the bytes passing through them to a shared counter. */
public final class CountingStreams {
  private CountingStreams() {}

  /** Returns {@code in}, counting bytes read into {@code counter}. */
  public static InputStream in(InputStream in, LongAdder counter) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) counter.increment();
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) counter.add(n);
        return n;
      }
    };
  }

  /** Returns {@code out}, counting bytes written into {@code counter}. */
  public static OutputStream out(OutputStream out, LongAdder counter) {
    return new FilterOutputStream(out) {
      @Override
      public void write(int b) throws IOException {
        out.write(b);
        counter.increment();
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        counter.add(len);
      }
    };
  }
}
