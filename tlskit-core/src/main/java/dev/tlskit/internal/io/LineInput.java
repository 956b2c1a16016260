package dev.tlskit.internal.io;

import dev.tlskit.ProtocolException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A buffered input stream that reads bounded protocol lines and can tell how many bytes it holds that nobody has read
 * yet, which is what a TLS switch must check. Not thread-safe.
 */
public final class LineInput extends InputStream {
  /** The buffer a new stream starts with; it grows (x4) up to the size given while reads keep filling it. */
  static final int INITIAL_BUFFER_SIZE = 1024;

  private final InputStream in;
  private final int maxBufferSize;
  private byte[] buf;
  private int pos;
  private int limit;

  /**
   * Reads from {@code in} through a buffer of at most {@code bufferSize} bytes. The buffer starts small and grows
   * only while reads fill it, so that an idle connection (ten thousand of them on a server) holds 1 KiB, not 16.
   */
  public LineInput(InputStream in, int bufferSize) {
    this.in = in;
    this.maxBufferSize = bufferSize;
    this.buf = new byte[Math.min(bufferSize, INITIAL_BUFFER_SIZE)];
  }

  /** Returns how many bytes were received and buffered but not yet consumed. */
  public int buffered() {
    return limit - pos;
  }

  /** Returns the buffered bytes nobody has read, quoted by {@link PeerText}, for error messages. */
  public String previewBuffered() {
    return PeerText.quote(buf, pos, buffered());
  }

  private boolean fill() throws IOException {
    if (pos < limit) return true;
    pos = 0;
    if (limit == buf.length && buf.length < maxBufferSize) {
      buf = new byte[Math.min(maxBufferSize, buf.length * 4)]; // the last read filled the buffer: more is coming
    }
    limit = 0;
    int n = in.read(buf, 0, buf.length);
    if (n <= 0) return false;
    limit = n;
    return true;
  }

  /**
   * Waits until at least one byte is buffered or the stream has ended, without consuming anything.
   *
   * @return false at end of stream
   */
  public boolean awaitData() throws IOException {
    return fill();
  }

  @Override
  public int read() throws IOException {
    if (!fill()) return -1;
    return buf[pos++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) return 0;
    if (pos == limit && len >= buf.length) return in.read(b, off, len); // large read: skip the copy
    if (!fill()) return -1;
    int n = Math.min(len, limit - pos);
    System.arraycopy(buf, pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public int available() throws IOException {
    return buffered() + in.available();
  }

  /**
   * Throws when the next unread bytes are a TLS record rather than the start of a text line (see {@link TlsRecords});
   * consumes nothing otherwise. Waits only for the bytes a record header announces (at most 7), and stops at the
   * first byte that rules a record out, so a text line is never held up.
   *
   * @param who names the peer in the error
   * @throws ProtocolException saying the peer answered in TLS, and which alert when it was one
   */
  public void refuseTlsRecord(String who) throws IOException {
    if (!fill()) return; // end of stream: readLine reports it
    TlsRecords.Verdict v;
    while ((v = TlsRecords.check(buf, pos, limit - pos)) == TlsRecords.Verdict.NEED_MORE) {
      if (!readMore()) break;
    }
    if (v == TlsRecords.Verdict.TLS || TlsRecords.cutShort(v, limit - pos)) {
      throw TlsRecords.answeredInTls(who, buf, pos, limit - pos);
    }
  }

  /**
   * Waits until the unread bytes hold a line end (LF) within their first {@code maxLength}, consuming nothing. Reads
   * block as the stream's own timeout says.
   *
   * @return true once a line end is buffered; false when the stream ended, or {@code maxLength} bytes (or a full
   *     buffer) came without one
   */
  public boolean awaitLineEnd(int maxLength) throws IOException {
    if (!fill()) return false;
    while (true) {
      int window = Math.min(limit, pos + maxLength);
      for (int i = pos; i < window; i++) {
        if (buf[i] == '\n') return true;
      }
      if (limit - pos >= maxLength || !readMore()) return false;
    }
  }

  /** Appends what one read returns to the unread bytes, moving them to the front first; false at end of stream. */
  private boolean readMore() throws IOException {
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, limit - pos);
      limit -= pos;
      pos = 0;
    }
    if (limit == buf.length) return false; // full: far more than any record header
    int n = in.read(buf, limit, buf.length - limit);
    if (n <= 0) return false;
    limit += n;
    return true;
  }

  /**
   * Reads one line ended by LF (a CR before it is removed) and decodes it as UTF-8.
   *
   * @param maxLength the most bytes a line may hold, terminator included
   * @return the line without its terminator
   * @throws ProtocolException when the line is longer than {@code maxLength}
   * @throws EOFException when the stream ends before the line does
   */
  public String readLine(int maxLength) throws IOException {
    // Fast path: the whole line is already buffered; decode it in place (no copy into a line array).
    int window = Math.min(limit, pos + maxLength);
    for (int i = pos; i < window; i++) {
      if (buf[i] == '\n') {
        int end = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
        String line = new String(buf, pos, end - pos, StandardCharsets.UTF_8);
        pos = i + 1;
        return line;
      }
    }
    byte[] line = new byte[Math.min(maxLength, 256)];
    int n = 0;
    while (true) {
      if (!fill()) {
        throw new EOFException(n == 0
            ? "connection closed by peer"
            : "connection closed by peer in the middle of a line (" + n + " bytes received)");
      }
      while (pos < limit) {
        byte b = buf[pos++];
        if (n == maxLength) {
          throw new ProtocolException("line longer than " + maxLength + " bytes received from peer");
        }
        if (n == line.length) line = java.util.Arrays.copyOf(line, Math.min(maxLength, line.length * 2));
        line[n++] = b;
        if (b == '\n') {
          int end = n - 1;
          if (end > 0 && line[end - 1] == '\r') end--;
          return new String(line, 0, end, StandardCharsets.UTF_8);
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
