package dev.tlskit.sasl;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The SASL mechanisms the SMTP, IMAP and POP3 clients can log in with, strongest first within each kind.
 *
 * <p>Unless told which to use, a client picks the first of its kind that the server offers over the current
 * (encrypted) link: for a password {@link #SCRAM_SHA_256_PLUS} (over TLS only), {@link #SCRAM_SHA_256}, {@link
 * #PLAIN}, {@link #LOGIN}, {@link #CRAM_MD5}; for an OAuth 2.0 token {@link #OAUTHBEARER}, {@link #XOAUTH2}. SCRAM
 * comes first because it never shows the password to the server and makes the server prove it knows it; its -PLUS
 * form also binds the login to the TLS channel, so a man in the middle holding another TLS session (a certificate
 * the user was tricked into trusting, a TLS-terminating proxy) cannot relay it. CRAM-MD5 comes last: under TLS it
 * hides nothing PLAIN does not hide, a server can only offer it by keeping passwords in recoverable form, and its
 * keyed MD5 proves nothing about the server. Every mechanism is refused over a link that is not encrypted (see each
 * client's class docs).
 */
public enum SaslMechanism {
  /**
   * SCRAM-SHA-256-PLUS (RFC 5802, RFC 7677) bound to the TLS channel with {@link ChannelBinding} tls-exporter (RFC
   * 9266) or tls-server-end-point (RFC 5929); the server's signature is verified. Never over plaintext.
   */
  SCRAM_SHA_256_PLUS("SCRAM-SHA-256-PLUS", false),
  /**
   * SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding; the server's signature is verified. Over TLS the
   * client says it could bind ({@code y}), so a server that offered -PLUS refuses the login if the offer was
   * stripped on the way; when told to use it although -PLUS is offered, it says it does not bind ({@code n}).
   */
  SCRAM_SHA_256("SCRAM-SHA-256", false),
  /** PLAIN (RFC 4616): user and password in the clear inside TLS. */
  PLAIN("PLAIN", false),
  /** LOGIN (draft-murchison-sasl-login): user, then password, each in its own response. */
  LOGIN("LOGIN", false),
  /** CRAM-MD5 (RFC 2195): an HMAC-MD5 of the server's challenge, keyed with the password. */
  CRAM_MD5("CRAM-MD5", false),
  /** OAUTHBEARER (RFC 7628): an OAuth 2.0 bearer token. */
  OAUTHBEARER("OAUTHBEARER", true),
  /** XOAUTH2 (Google, Microsoft 365): an OAuth 2.0 bearer token. */
  XOAUTH2("XOAUTH2", true);

  private final String wireName;
  private final boolean token;

  SaslMechanism(String wireName, boolean token) {
    this.wireName = wireName;
    this.token = token;
  }

  /** Returns the mechanism's registered name as it travels on the wire ("SCRAM-SHA-256"). */
  public String wireName() {
    return wireName;
  }

  /** Returns true when the mechanism binds the login to the TLS channel (the -PLUS form). */
  public boolean bindsChannel() {
    return this == SCRAM_SHA_256_PLUS;
  }

  /** Returns true when the secret is an OAuth 2.0 token rather than a password. */
  public boolean usesToken() {
    return token;
  }

  /**
   * Returns the mechanism with this registered name, in any case ("scram-sha-256").
   *
   * @throws IllegalArgumentException naming the value and the names known
   */
  public static SaslMechanism of(String name) {
    for (SaslMechanism m : values()) if (m.wireName.equalsIgnoreCase(name.trim())) return m;
    throw new IllegalArgumentException("unknown SASL mechanism: " + name + " (known: "
        + Arrays.stream(values()).map(m -> m.wireName.toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "))
        + ")");
  }

  /**
   * Returns the strongest mechanism of the kind asked for ({@code token} or password) among the names the server
   * offers (any case), or empty when it offers none of them. The clients leave out {@link #SCRAM_SHA_256_PLUS}
   * when the link is not TLS (there is no channel to bind to).
   */
  public static Optional<SaslMechanism> strongest(Collection<String> offered, boolean token) {
    for (SaslMechanism m : values()) {
      if (m.token == token && offered.stream().anyMatch(m.wireName::equalsIgnoreCase)) return Optional.of(m);
    }
    return Optional.empty();
  }
}
