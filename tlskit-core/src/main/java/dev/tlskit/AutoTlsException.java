package dev.tlskit;

import java.time.Duration;
import java.util.Objects;

/**
 * Signals that {@link TlsMode#AUTO}, looking at a server on a port that does not name the mode, found neither a
 * plaintext greeting nor a TLS server: {@link #seen()} says what the server did, the message says it in words.
 * Nothing was sent in plaintext and the connection is closed. Name the mode ({@link TlsMode#STARTTLS} or {@link
 * TlsMode#IMPLICIT}) when the server is slow rather than wrong. The command line maps this to exit code 1, as every
 * {@link ProtocolException}.
 */
public final class AutoTlsException extends ProtocolException {
  /** What the server did while {@link TlsMode#AUTO} looked. */
  public enum Seen {
    /** It closed the connection before sending anything. */
    CLOSED_AT_ONCE,
    /** It sent a TLS record first, before any ClientHello (an alert, for instance): neither a greeting nor a wait. */
    TLS_RECORD_FIRST,
    /** It sent bytes that did not make a text line within the wait: no greeting of a line-based protocol. */
    NO_GREETING_LINE,
    /** It sent nothing within the wait, then plaintext arrived just as the TLS handshake was to begin. */
    LATE_GREETING,
    /** It sent nothing within the wait, then answered the TLS ClientHello with bytes that are not TLS. */
    SILENT_THEN_NOT_TLS,
    /** It sent nothing within the wait, then closed or reset the connection on the TLS ClientHello. */
    SILENT_THEN_CLOSED,
    /** It sent nothing within the wait, then did not answer the TLS ClientHello within the handshake timeout. */
    SILENT_THEN_NO_ANSWER
  }

  private final Seen seen;
  private final Duration waited;

  /**
   * Creates the error.
   *
   * @param waited how long the client waited for a greeting
   */
  public AutoTlsException(Seen seen, Duration waited, String message, Throwable cause) {
    super(message, cause);
    this.seen = Objects.requireNonNull(seen, "seen");
    this.waited = Objects.requireNonNull(waited, "waited");
  }

  /** Returns what the server did. */
  public Seen seen() {
    return seen;
  }

  /** Returns how long the client waited for a plaintext greeting before it judged. */
  public Duration waited() {
    return waited;
  }
}
