package dev.tlskit.internal.starttls;

import dev.tlskit.ProtocolException;
import dev.tlskit.TlsConnection;
import dev.tlskit.internal.io.LineInput;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Sends commands and reads CRLF lines during a STARTTLS preamble, bounded in line length and line count: over a
 * plaintext {@link TlsConnection}, whose one buffer lets the upgrade prove nothing was smuggled in, or over a socket
 * that is already TLS (the probe asks for the capabilities again after its own handshake).
 *
 * <p>Reads block for at most the read timeout of the socket underneath (a {@link TlsConnection} always has one).
 */
public final class PreambleLines {
  /** The longest line accepted, terminator included. */
  static final int MAX_LINE = 8192;
  /** The most lines one preamble may read (greeting, capabilities, upgrade reply together). */
  static final int MAX_LINES = 500;

  /** Where lines come from. */
  @FunctionalInterface
  private interface LineSource {
    String readLine(int max) throws IOException;
  }

  private final TlsConnection connection; // null over a socket that is already TLS
  private final LineSource in;
  private final OutputStream out;
  private Consumer<String> transcript = line -> {};
  private int linesRead;

  private PreambleLines(TlsConnection connection, LineSource in, OutputStream out) {
    this.connection = connection;
    this.in = in;
    this.out = out;
  }

  /** Returns lines over a plaintext connection; {@link StarttlsProtocol} switches it to TLS through {@link Starttls}. */
  public static PreambleLines over(TlsConnection conn) {
    Objects.requireNonNull(conn, "conn");
    return new PreambleLines(conn, conn::readLine, null);
  }

  /** Returns lines over a socket that already speaks TLS, for asking the capabilities again; it cannot upgrade. */
  public static PreambleLines overTls(Socket tls) throws IOException {
    LineInput in = new LineInput(tls.getInputStream(), MAX_LINE);
    return new PreambleLines(null, in::readLine, tls.getOutputStream());
  }

  /** Sets where each command ({@code "C: ..."}) and server line ({@code "S: ..."}) is reported; default nowhere. */
  public PreambleLines transcript(Consumer<String> transcript) {
    this.transcript = Objects.requireNonNull(transcript, "transcript");
    return this;
  }

  /** Returns the plaintext connection these lines run over. */
  TlsConnection connection() {
    if (connection == null) throw new IllegalStateException("these lines run over TLS already: nothing to upgrade");
    return connection;
  }

  /** Sends one command line; refuses CR, LF or NUL inside it. */
  void send(String command) throws IOException {
    Guards.checkArgument("command", command);
    transcript.accept("C: " + command);
    OutputStream o = out != null ? out : connection.output();
    o.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
    o.flush();
  }

  /** Reads one line without its terminator. */
  String line() throws IOException {
    if (++linesRead > MAX_LINES) {
      throw new ProtocolException("server sent more than " + MAX_LINES + " lines before the TLS upgrade");
    }
    String l = in.readLine(MAX_LINE);
    transcript.accept("S: " + l);
    return l;
  }
}
