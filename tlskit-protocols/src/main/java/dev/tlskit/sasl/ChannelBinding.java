package dev.tlskit.sasl;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The TLS channel-binding types {@link SaslMechanism#SCRAM_SHA_256_PLUS} can bind a login to. SCRAM does not
 * negotiate the type: the client names one and the server either computes the same data or refuses the login.
 *
 * <p>Default (when none is set on the client): {@link #TLS_EXPORTER} on TLS 1.3 when the runtime can export keying
 * material (JDK 25+; not BouncyCastle's JSSE, which offers no exporter after the handshake), else {@link
 * #TLS_SERVER_END_POINT}. RFC 9266 makes tls-exporter the default for TLS 1.3, and it binds to this very TLS session
 * where tls-server-end-point binds only to the server's certificate (which a proxy holding the server's key shares).
 * Servers differ: GNU SASL implements tls-exporter (and tls-unique) but not tls-server-end-point, while servers in
 * the PostgreSQL tradition implement only tls-server-end-point; set the type the server implements.
 */
public enum ChannelBinding {
  /** {@code tls-exporter} (RFC 9266): 32 bytes of the TLS 1.3 exporter with label "EXPORTER-Channel-Binding". */
  TLS_EXPORTER("tls-exporter"),
  /** {@code tls-server-end-point} (RFC 5929): a hash of the server's certificate. */
  TLS_SERVER_END_POINT("tls-server-end-point");

  private final String wireName;

  ChannelBinding(String wireName) {
    this.wireName = wireName;
  }

  /** Returns the registered name as it travels in the GS2 header ("tls-exporter"). */
  public String wireName() {
    return wireName;
  }

  /**
   * Returns the type with this registered name, in any case ("tls-server-end-point").
   *
   * @throws IllegalArgumentException naming the value and the names known
   */
  public static ChannelBinding of(String name) {
    for (ChannelBinding b : values()) if (b.wireName.equalsIgnoreCase(name.trim())) return b;
    throw new IllegalArgumentException("unknown channel binding: " + name + " (known: "
        + Arrays.stream(values()).map(b -> b.wireName.toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "))
        + ")");
  }
}
