package dev.tlskit;

/**
 * How a protocol client secures its connection. Shared by SMTP, IMAP, POP3 and FTP.
 *
 * <p>The default is {@link #AUTO}, which never sends a byte in plaintext before TLS and never continues without
 * TLS: implicit TLS on the protocol's implicit port (465, 993, 995, 990), required STARTTLS on its plaintext ports
 * (25 and 587, 143, 110, 21), and on any other port it looks at what the server does (see {@link #AUTO}).
 * Plaintext happens only when {@link #NONE} is asked for by name.
 */
public enum TlsMode {
  /** Plaintext throughout. Credentials are then refused unless the peer is on a loopback address. */
  NONE,
  /** Plaintext greeting, then a required in-band upgrade (STARTTLS, STLS, AUTH TLS); absent or refused aborts. */
  STARTTLS,
  /** TLS from the first byte. */
  IMPLICIT,
  /**
   * <b>Insecure.</b> Upgrades only if the server advertises it, else continues in plaintext. An attacker who strips
   * the advertisement gets a plaintext session: use only where the alternative is no mail at all.
   */
  OPPORTUNISTIC,
  /**
   * {@link #IMPLICIT} or {@link #STARTTLS}, decided per connection:
   *
   * <ul>
   *   <li>by the port, at once, on the protocol's well-known ports: implicit TLS on 465 (SMTP), 993 (IMAP), 995
   *       (POP3), 990 (FTP); required STARTTLS on 25 and 587 (SMTP), 143 (IMAP), 110 (POP3), 21 (FTP);
   *   <li>by looking, on any other port: the client connects and waits up to 1.5 seconds (the protocol clients'
   *       {@code GREETING_WAIT}), sending nothing. A server that greets in plaintext (a line arrives) gets required
   *       STARTTLS, exactly as {@link #STARTTLS}; a server that stays silent is waiting for a ClientHello, so TLS
   *       starts on the same socket, exactly as {@link #IMPLICIT}. Nothing is sent in plaintext before TLS either
   *       way.
   * </ul>
   *
   * <p>A wrong or impossible guess is an {@link AutoTlsException} saying what the server did (it closed at once, sent
   * a TLS record or bytes that are no text line, or stayed silent and then answered the ClientHello with plaintext,
   * closed, or said nothing), never a bare read timeout; name the mode to connect anyway. How a connection's mode
   * was decided is its {@link Decision}, which every protocol client reports.
   */
  AUTO;

  /** What settled the mode of a connection. */
  public enum DecidedBy {
    /** The mode was asked for by name (anything but {@link #AUTO}). */
    NAME,
    /** {@link #AUTO} on one of the protocol's well-known ports. */
    PORT,
    /** {@link #AUTO} on another port, by what the server did within the wait: greeted, or stayed silent. */
    LOOKING
  }

  /**
   * The mode a connection used ({@link #AUTO} resolved) and what settled it.
   *
   * @param mode never {@link #AUTO}
   * @param by what settled it
   */
  public record Decision(TlsMode mode, DecidedBy by) {
    public Decision {
      java.util.Objects.requireNonNull(mode, "mode");
      java.util.Objects.requireNonNull(by, "by");
      if (mode == AUTO) throw new IllegalArgumentException("a decision resolves AUTO: " + mode);
    }
  }
}
