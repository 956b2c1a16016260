package dev.tlskit.internal.starttls;

import dev.tlskit.AutoTlsException;
import dev.tlskit.AutoTlsException.Seen;
import dev.tlskit.ProtocolException;
import dev.tlskit.ServerMetrics.HandshakeFailure;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsKitException;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsMode.DecidedBy;
import dev.tlskit.TlsMode.Decision;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.internal.io.LineInput;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * Opens the connection of every protocol client (SMTP, IMAP, POP3, FTP) and settles {@link TlsMode#AUTO}: by the
 * port on the protocol's well-known ports, else by looking at what the server does (see {@link TlsMode#AUTO}). The
 * look sends nothing: it waits up to {@link #GREETING_WAIT} for the first byte, and as long again for the end of its
 * line. A line is a plaintext greeting (STARTTLS required, the caller reads it); silence means the server waits for
 * a ClientHello, so TLS starts on the same socket ({@link TlsConnection#upgradeToTls()}, which refuses any byte that
 * arrived meanwhile). Anything else is an {@link AutoTlsException} saying what the server did.
 */
public final class AutoTls {
  /**
   * How long {@link TlsMode#AUTO} waits for a plaintext greeting on a port that does not name the mode. Servers greet
   * at once (a greeting is one short line sent on accept); a server that greets later than this on an unusual port is
   * reported ({@link Seen#SILENT_THEN_NOT_TLS}), and naming the mode connects to it.
   */
  public static final Duration GREETING_WAIT = Duration.ofMillis(1500);
  /** The most bytes of a greeting's first line the look waits for (RFC 5321 allows 512). */
  private static final int MAX_GREETING_LINE = 1000;

  private AutoTls() {}

  /** A connection opened for a protocol client and how its mode was decided. */
  public record Opened(TlsConnection connection, Decision decision) {}

  /**
   * Returns the decision that needs no look: a mode named by the caller, or {@link TlsMode#AUTO} on one of {@code
   * protocol}'s well-known ports; null when {@link TlsMode#AUTO} must look.
   */
  public static Decision byPort(StarttlsProtocol protocol, TlsMode mode, int port) {
    if (mode != TlsMode.AUTO) return new Decision(mode, DecidedBy.NAME);
    if (port == protocol.implicitPort()) return new Decision(TlsMode.IMPLICIT, DecidedBy.PORT);
    if (protocol.isPlaintextPort(port)) return new Decision(TlsMode.STARTTLS, DecidedBy.PORT);
    return null;
  }

  /**
   * Opens a connection to {@code host:port} for {@code protocol} with {@code mode}, {@link TlsMode#AUTO} settled.
   * Returns it plaintext (greeting unread, to be upgraded through {@link Starttls}) or TLS.
   *
   * @throws AutoTlsException when {@link TlsMode#AUTO} looked and found neither a greeting nor a TLS server; the
   *     connection is closed
   * @throws IllegalArgumentException for {@link TlsMode#OPPORTUNISTIC} not allowed by the client
   */
  public static Opened open(TlsClient client, String host, int port, String peerName, TlsMode mode,
      StarttlsProtocol protocol) throws IOException {
    Decision known = byPort(protocol, mode, port);
    if (known != null) return reopen(client, host, port, peerName, known);
    TlsConnection c = client.connectPlain(host, port, peerName == null ? host : peerName);
    try {
      return new Opened(c, look(c, protocol + " server " + c.peerName() + " on port " + port));
    } catch (IOException | RuntimeException e) {
      Starttls.closeQuietly(c);
      throw e;
    }
  }

  /** Opens a connection with a decision made before (a reconnect to the same server): no look. */
  public static Opened reopen(TlsClient client, String host, int port, String peerName, Decision decision)
      throws IOException {
    return new Opened(Starttls.open(client, host, port, peerName, decision.mode()), decision);
  }

  private static Decision look(TlsConnection c, String who) throws IOException {
    if (!c.awaitInput(GREETING_WAIT)) return silent(c, who);
    Socket socket = c.socket();
    int previous = socket.getSoTimeout();
    socket.setSoTimeout(Math.toIntExact(GREETING_WAIT.toMillis()));
    LineInput in = (LineInput) c.input(); // a plaintext connection reads through its one LineInput
    try {
      if (!in.awaitData()) {
        throw failure(Seen.CLOSED_AT_ONCE, who + " closed the connection without sending anything", null);
      }
      try {
        in.refuseTlsRecord(who);
      } catch (ProtocolException e) {
        throw failure(Seen.TLS_RECORD_FIRST, who + " sent a TLS record before any ClientHello: "
            + e.getMessage(), e);
      }
      if (!in.awaitLineEnd(MAX_GREETING_LINE)) throw noLine(who, in, null);
    } catch (SocketTimeoutException e) {
      throw noLine(who, in, e);
    } finally {
      if (!socket.isClosed()) socket.setSoTimeout(previous);
    }
    return new Decision(TlsMode.STARTTLS, DecidedBy.LOOKING);
  }

  /** The server said nothing: it waits for a ClientHello. Starts TLS, and explains a failure that proves otherwise. */
  private static Decision silent(TlsConnection c, String who) throws IOException {
    String silent = who + " sent nothing within " + GREETING_WAIT.toMillis() + " ms, so TLS was started"
        + " (TlsMode.AUTO takes a silent server for implicit TLS), but it ";
    String advice = ": a plaintext server that greets late or waits for the client to speak first? Name the mode"
        + " (STARTTLS) if it is one, or check the port";
    try {
      c.upgradeToTls();
      return new Decision(TlsMode.IMPLICIT, DecidedBy.LOOKING);
    } catch (TlsSecurityException e) {
      if (e.reason() == TlsSecurityException.Reason.INJECTION_DETECTED) {
        throw failure(Seen.LATE_GREETING, silent + "sent plaintext as the handshake was to begin (" + e.getMessage()
            + "); a plaintext greeting later than the wait? Name the mode (STARTTLS) if so", e);
      }
      HandshakeFailure why = e.handshakeFailure().orElse(null);
      if (why == HandshakeFailure.NOT_TLS) {
        throw failure(Seen.SILENT_THEN_NOT_TLS, silent + "answered the ClientHello with bytes that are not TLS"
            + advice, e);
      }
      if (why == HandshakeFailure.CLOSED_BY_PEER) throw closed(silent, advice, e);
      if (why == HandshakeFailure.TIMEOUT) throw noAnswer(silent, advice, e);
      throw e; // the server spoke TLS: its refusal (alert, certificate) is a TLS failure, the guess was right
    } catch (SocketTimeoutException e) {
      throw noAnswer(silent, advice, e);
    } catch (TlsKitException e) {
      throw e;
    } catch (IOException e) { // reset or end of stream before any TLS record
      throw closed(silent, advice, e);
    }
  }

  private static AutoTlsException noAnswer(String silent, String advice, IOException e) {
    return failure(Seen.SILENT_THEN_NO_ANSWER, silent + "did not answer the ClientHello in time" + advice, e);
  }

  private static AutoTlsException closed(String silent, String advice, IOException e) {
    return failure(Seen.SILENT_THEN_CLOSED, silent + "closed the connection on the ClientHello" + advice, e);
  }

  private static AutoTlsException noLine(String who, LineInput in, IOException cause) {
    return failure(Seen.NO_GREETING_LINE, who + " sent " + in.previewBuffered() + ", which is neither a TLS record"
        + " nor a greeting line within " + GREETING_WAIT.toMillis() + " ms: is this the right port?", cause);
  }

  private static AutoTlsException failure(Seen seen, String message, Throwable cause) {
    return new AutoTlsException(seen, GREETING_WAIT, message, cause);
  }
}
