package dev.tlskit.probe;

import dev.tlskit.ProtocolException;
import dev.tlskit.TlsKitException;
import dev.tlskit.internal.starttls.PreambleLines;
import dev.tlskit.internal.starttls.StarttlsProtocol;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.util.List;

/**
 * The STARTTLS protocol a probe speaks, as the probe engine names it: each constant runs the shared preamble of
 * {@link StarttlsProtocol} (the one {@code tlskit connect --starttls} runs too) over the probe's raw socket, and turns
 * its typed refusals into {@link StarttlsException}, which the probe reports as STARTTLS_FAILED.
 */
public enum Starttls {
  SMTP(StarttlsProtocol.SMTP),
  IMAP(StarttlsProtocol.IMAP),
  POP3(StarttlsProtocol.POP3),
  FTP(StarttlsProtocol.FTP);

  private final StarttlsProtocol protocol;

  Starttls(StarttlsProtocol protocol) {
    this.protocol = protocol;
  }

  /** Returns the shared preamble this constant speaks. */
  public StarttlsProtocol protocol() {
    return protocol;
  }

  /**
   * Reads the greeting and returns the capabilities offered before TLS.
   *
   * @throws TemporaryRefusal when the server is busy or drops the connection (see {@link #failure})
   */
  List<String> greet(Lines io) throws IOException {
    try {
      return protocol.greet(io.lines);
    } catch (TlsKitException | EOFException | SocketException e) {
      throw failure(e);
    }
  }

  /** Asks for and returns the capabilities (used again after the upgrade, over TLS). */
  List<String> capabilities(Lines io) throws IOException {
    try {
      return protocol.capabilities(io.lines);
    } catch (TlsKitException e) {
      throw new StarttlsException(e);
    }
  }

  /** Returns true when the capabilities offer the upgrade. */
  boolean offered(List<String> capabilities) {
    return protocol.offers(capabilities);
  }

  /**
   * Greets, requires the upgrade to be offered and asks for it ({@link StarttlsProtocol#negotiate}); returns the
   * capabilities offered before TLS once the server agreed and sent nothing after its reply.
   */
  List<String> negotiate(Lines io) throws IOException {
    try {
      return protocol.negotiate(io.lines);
    } catch (TlsKitException | EOFException | SocketException e) {
      throw failure(e);
    }
  }

  /**
   * Returns how a failure before TLS counts: a busy reply (SMTP/FTP 4xx to the greeting, EHLO/FEAT or the upgrade
   * command; IMAP {@code * BYE} or POP3 {@code -ERR} as the greeting) or a connection closed or reset during the
   * preamble is a {@link TemporaryRefusal}; anything else (no upgrade offered, a permanent refusal, a broken
   * protocol, an injection) is a {@link StarttlsException}.
   */
  private IOException failure(IOException e) {
    if (!(e instanceof TlsKitException k)) {
      return new TemporaryRefusal(ProbeReport.Incomplete.Cause.NETWORK,
          this + " server dropped the connection before TLS: " + e.getMessage(), e);
    }
    ProtocolException reply = k instanceof ProtocolException p ? p
        : k.getCause() instanceof ProtocolException p ? p : null;
    if (reply != null && TemporaryRefusal.busyReply(reply.replyText())) {
      return new TemporaryRefusal(ProbeReport.Incomplete.Cause.REFUSED, k.getMessage(), k);
    }
    return new StarttlsException(k);
  }

  /** Returns the protocol for a command-line name ("smtp"), or throws naming the choices. */
  public static Starttls parse(String name) {
    return valueOf(StarttlsProtocol.parse(name).name());
  }

  /** The server did not offer or refused the upgrade, or broke the protocol before it. */
  public static final class StarttlsException extends IOException {
    private static final long serialVersionUID = 1L;

    StarttlsException(TlsKitException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** The preamble's bounded line I/O over a probe socket's streams, read one byte at a time. */
  static final class Lines {
    private final PreambleLines lines;

    Lines(InputStream in, OutputStream out) {
      this.lines = PreambleLines.unbuffered(in, out);
    }
  }
}
