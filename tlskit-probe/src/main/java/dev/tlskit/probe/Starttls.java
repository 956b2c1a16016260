package dev.tlskit.probe;

import dev.tlskit.ProtocolException;
import dev.tlskit.ProxyConfig;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsKitException;
import dev.tlskit.internal.starttls.PreambleLines;
import dev.tlskit.internal.starttls.StarttlsProtocol;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The STARTTLS protocol a probe speaks, as the probe engine names it: each constant runs the one STARTTLS path of
 * {@link StarttlsProtocol} (the one {@code tlskit connect --starttls} and the mail and FTP clients run too) over a
 * plaintext {@link TlsConnection}, ending with the socket handed over for the probe's own ClientHello, and turns its
 * typed refusals into {@link StarttlsException}, which the probe reports as STARTTLS_FAILED.
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
  StarttlsProtocol protocol() {
    return protocol;
  }

  /** Returns the port the protocol's plaintext service listens on by default (25, 143, 110, 21). */
  public int defaultPort() {
    return protocol.defaultPort();
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
   * Greets, requires the upgrade to be offered and asks for it ({@link StarttlsProtocol#startOwnHandshake}); returns
   * the capabilities offered before TLS once the server agreed and sent nothing after its reply. The caller then
   * writes its ClientHello on {@link Lines#socket()}.
   */
  List<String> negotiate(Lines io) throws IOException {
    try {
      return protocol.startOwnHandshake(io.lines);
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

  /** The preamble's bounded line I/O over one probe connection. */
  static final class Lines implements Closeable {
    /**
     * One dialler per timeout and proxy: a TlsClient builds a TLS context, which a probe's many connections can
     * share.
     */
    private static final Map<Dialling, TlsClient> DIALLERS = new ConcurrentHashMap<>();

    private record Dialling(Duration timeout, ProxyConfig proxy) {}

    private final Socket socket;
    private final PreambleLines lines;

    private Lines(Socket socket, PreambleLines lines) {
      this.socket = socket;
      this.lines = lines;
    }

    /**
     * Dials {@code target} in plaintext, with its timeout on connecting and on each read; the TLS context of the
     * connection is never used (the probe runs its own handshakes on the socket handed over).
     */
    static Lines dial(Target target) throws IOException {
      TlsClient dialler = DIALLERS.computeIfAbsent(new Dialling(target.timeout(), target.proxy()), d -> {
        TlsClient.Builder b = TlsClient.builder().connectTimeout(d.timeout()).readTimeout(d.timeout());
        return (d.proxy() == null ? b : b.proxy(d.proxy())).build();
      });
      TlsConnection c = dialler.connectPlain(target.host(), target.port(), target.peerName());
      return new Lines(c.socket(), PreambleLines.over(c));
    }

    /** Returns lines over a socket on which the probe's own handshake has completed. */
    static Lines overTls(Socket tls) throws IOException {
      return new Lines(tls, PreambleLines.overTls(tls));
    }

    /** Returns the socket underneath: plaintext until the upgrade was agreed, then the probe's to write on. */
    Socket socket() {
      return socket;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
