package dev.tlskit.internal.starttls;

import dev.tlskit.ProtocolException;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.internal.io.TlsRecords;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Sends commands and reads CRLF lines during a STARTTLS preamble, bounded in line length and line count, over either
 * a {@link TlsConnection} (through its own buffer) or a raw socket's streams (one byte at a time, so that nothing
 * past the last line is consumed).
 *
 * <p>Reads block for at most the read timeout of the socket underneath: the caller's socket must have one (a {@link
 * TlsConnection} always does, the probe sets it when it dials). Nothing here waits otherwise.
 */
public final class PreambleLines {
  /** The longest line accepted, terminator included. */
  static final int MAX_LINE = 8192;
  /** The most lines one preamble may read (greeting, capabilities, upgrade reply together). */
  static final int MAX_LINES = 500;
  private static final int PREVIEW = 80;

  /** Where the lines come from and go to. */
  private interface Channel {
    String readLine(int max) throws IOException;

    OutputStream output();

    InputStream input();
  }

  private final Channel channel;
  private Consumer<String> transcript = line -> {};
  private int linesRead;
  private int tags;

  private PreambleLines(Channel channel) {
    this.channel = channel;
  }

  /** Returns lines over a plaintext connection; its {@link TlsConnection#upgradeToTls()} does the TLS switch. */
  public static PreambleLines over(TlsConnection conn) {
    Objects.requireNonNull(conn, "conn");
    return new PreambleLines(new Channel() {
      @Override
      public String readLine(int max) throws IOException {
        return conn.readLine(max);
      }

      @Override
      public OutputStream output() {
        return conn.output();
      }

      @Override
      public InputStream input() {
        return conn.input();
      }
    });
  }

  /**
   * Returns lines over raw streams that are read one byte at a time, so that the caller can start TLS (or write its
   * own ClientHello) on the same socket right after the upgrade reply.
   */
  public static PreambleLines unbuffered(InputStream in, OutputStream out) {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(out, "out");
    return new PreambleLines(new Channel() {
      @Override
      public String readLine(int max) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        TlsRecords.Verdict record = TlsRecords.Verdict.NEED_MORE;
        while (true) {
          int c = in.read();
          if (c < 0) {
            if (TlsRecords.cutShort(record, line.size())) {
              throw TlsRecords.answeredInTls("the server", line.toByteArray(), 0, line.size()); // alert cut short
            }
            throw new EOFException(line.size() == 0 ? "connection closed by peer"
                : "connection closed by peer in the middle of a line (" + line.size() + " bytes received)");
          }
          if (line.size() == max) throw new ProtocolException("line longer than " + max + " bytes received from peer");
          line.write(c);
          if (record == TlsRecords.Verdict.NEED_MORE) { // a TLS record where the line should start: fail now
            record = TlsRecords.check(line.toByteArray(), 0, line.size());
            if (record == TlsRecords.Verdict.TLS) {
              throw TlsRecords.answeredInTls("the server", line.toByteArray(), 0, line.size());
            }
          }
          if (c == '\n' && record != TlsRecords.Verdict.NEED_MORE) break;
        }
        String s = new String(line.toByteArray(), 0, line.size() - 1, StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }

      @Override
      public OutputStream output() {
        return out;
      }

      @Override
      public InputStream input() {
        return in;
      }
    });
  }

  /** Sets where each command ({@code "C: ..."}) and server line ({@code "S: ..."}) is reported; default nowhere. */
  public PreambleLines transcript(Consumer<String> transcript) {
    this.transcript = Objects.requireNonNull(transcript, "transcript");
    return this;
  }

  /** Sends one command line; refuses CR or LF inside it. */
  void send(String command) throws IOException {
    if (command.indexOf('\r') >= 0 || command.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("CR or LF inside a command: " + command.replace("\r", "\\r")
          .replace("\n", "\\n"));
    }
    transcript.accept("C: " + command);
    OutputStream out = channel.output();
    out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Reads one line without its terminator. */
  String line() throws IOException {
    if (++linesRead > MAX_LINES) {
      throw new ProtocolException("server sent more than " + MAX_LINES + " lines before the TLS upgrade");
    }
    String l = channel.readLine(MAX_LINE);
    transcript.accept("S: " + l);
    return l;
  }

  /** Returns the next IMAP command tag of this connection: a001, a002, ... */
  String nextTag() {
    return String.format("a%03d", ++tags);
  }

  /**
   * Refuses any byte that arrived after the upgrade reply and before the TLS handshake: a server that has said "go
   * ahead" must wait for the ClientHello, so such bytes are an injection (CVE-2011-0411 class).
   *
   * @throws TlsSecurityException with reason {@link TlsSecurityException.Reason#INJECTION_DETECTED}
   */
  void refusePendingPlaintext(String upgrade) throws IOException {
    InputStream in = channel.input();
    int pending = in.available();
    if (pending <= 0) return;
    byte[] preview = new byte[Math.min(pending, PREVIEW)];
    int n = Math.max(0, in.read(preview, 0, preview.length)); // available, so this does not block
    throw new TlsSecurityException(TlsSecurityException.Reason.INJECTION_DETECTED,
        pending + " plaintext byte(s) arrived after the " + upgrade + " reply, before the TLS handshake, and were"
            + " refused: \"" + printable(preview, n) + "\"");
  }

  private static String printable(byte[] b, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      int c = b[i] & 0xff;
      if (c == '\r') sb.append("\\r");
      else if (c == '\n') sb.append("\\n");
      else sb.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
    }
    return sb.toString();
  }
}
