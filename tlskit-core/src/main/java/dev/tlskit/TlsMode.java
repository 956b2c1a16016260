package dev.tlskit;

/**
 * How a protocol client secures its connection. Shared by SMTP, IMAP, POP3 and FTP.
 *
 * <p>The default is {@link #AUTO}: implicit TLS on the protocol's implicit port (465, 993, 995, 990), required
 * STARTTLS on any other port. Plaintext happens only when {@link #NONE} is asked for by name.
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
  /** {@link #IMPLICIT} on the protocol's implicit port, {@link #STARTTLS} otherwise. */
  AUTO;

  /** Resolves {@link #AUTO} for a port, given the protocol's implicit-TLS port(s); other modes return themselves. */
  public TlsMode resolve(int port, int... implicitPorts) {
    if (this != AUTO) return this;
    for (int p : implicitPorts) {
      if (p == port) return IMPLICIT;
    }
    return STARTTLS;
  }
}
