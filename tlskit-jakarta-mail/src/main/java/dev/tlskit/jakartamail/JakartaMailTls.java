package dev.tlskit.jakartamail;

import dev.tlskit.TlsPolicy;
import dev.tlskit.ValidationReport;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a {@link TlsPolicy} into Jakarta Mail {@code Session} properties: one call, {@link #properties}, per protocol
 * the session uses. Works with any Jakarta Mail implementation that reads the standard {@code mail.<protocol>.*}
 * properties (tested with Angus Mail); this module needs no Jakarta Mail at compile time.
 *
 * <pre>{@code
 * Session session = Session.getInstance(JakartaMailTls.properties(policy, "smtp"));
 * }</pre>
 *
 * <p>What the properties make the session do, for {@code smtp}, {@code imap} and {@code pop3} (STARTTLS) and
 * {@code smtps}, {@code imaps} and {@code pop3s} (implicit TLS):
 * <ul>
 *   <li>{@code ssl.socketFactory}: the policy's ({@link TlsPolicy#socketFactory()}), for the implicit-TLS connection
 *       and for the STARTTLS upgrade alike: the policy's protocols, suites, groups and signature schemes, its client
 *       certificate, and its trust manager, which judges the server's chain under the host name given to
 *       {@code connect} (anchors, name, pins, revocation, key and signature strength); a refusal fails the connect
 *       with a {@code MessagingException} whose {@link ValidationReport} {@link ValidationReport#of} finds;
 *   <li>{@code socketFactory.fallback=false}: without it Angus Mail answers a connection the policy refused (an
 *       implicit-TLS handshake it failed) by connecting again with a default socket factory, which trusts the JDK's
 *       roots without the policy's rules, and the report is lost;
 *   <li>{@code ssl.checkserveridentity=true}: the implementation checks the name again after the handshake; only the
 *       policy's {@code dangerous().skipHostnameVerification()} turns both checks off;
 *   <li>explicit protocols: {@code starttls.enable=true} and {@code starttls.required=true}: a server that does not
 *       offer STARTTLS, refuses it, or had it stripped from its capabilities fails the connect before any credential
 *       is sent (with {@code starttls.enable} alone, Angus Mail then authenticates in plaintext); implicit
 *       protocols: {@code ssl.enable=true};
 *   <li>{@code connectiontimeout}, {@code timeout} (reads) and {@code writetimeout}: 10 s, 30 s and 30 s by default
 *       (TlsKit's client defaults; Jakarta Mail's own are infinite), or the values given.
 * </ul>
 *
 * <p>Merge the result into your own properties for one session that speaks several protocols ({@code
 * props.putAll(JakartaMailTls.properties(policy, "imaps"))}). The policy's ALPN list, if any, is offered as is.
 */
public final class JakartaMailTls {
  private static final Set<String> EXPLICIT = Set.of("smtp", "imap", "pop3");
  private static final Set<String> IMPLICIT = Set.of("smtps", "imaps", "pop3s");
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration IO_TIMEOUT = Duration.ofSeconds(30);

  private JakartaMailTls() {}

  /**
   * Returns the {@code mail.<protocol>.*} properties that make a session's {@code protocol} connections follow
   * {@code policy} (see the class description), with a 10 s connect timeout and 30 s read and write timeouts.
   *
   * @param protocol {@code smtp}, {@code imap} or {@code pop3} (STARTTLS, required), or {@code smtps},
   *     {@code imaps} or {@code pop3s} (implicit TLS)
   * @throws IllegalArgumentException naming {@code protocol} when it is none of these
   */
  public static Properties properties(TlsPolicy policy, String protocol) {
    return properties(policy, protocol, CONNECT_TIMEOUT, IO_TIMEOUT);
  }

  /**
   * Like {@link #properties(TlsPolicy, String)}, with the given connect timeout and read and write timeout.
   *
   * @throws IllegalArgumentException naming the protocol when it is unknown, or the timeout when it is not positive
   *     or longer than {@link Integer#MAX_VALUE} milliseconds (Jakarta Mail reads them as {@code int})
   */
  public static Properties properties(TlsPolicy policy, String protocol, Duration connectTimeout,
      Duration readWriteTimeout) {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(protocol, "protocol");
    boolean explicit = EXPLICIT.contains(protocol);
    if (!explicit && !IMPLICIT.contains(protocol)) {
      throw new IllegalArgumentException("protocol '" + protocol + "' is not one of smtp, imap, pop3 (STARTTLS)"
          + " or smtps, imaps, pop3s (implicit TLS)");
    }
    String connect = millis("connectTimeout", connectTimeout);
    String io = millis("readWriteTimeout", readWriteTimeout);
    String p = "mail." + protocol + ".";
    Properties props = new Properties();
    props.put(p + "ssl.socketFactory", policy.socketFactory());
    // Angus Mail's default (true) retries a connection our factory refused with a default one: the JDK's trust
    // store, no name rules, pins or revocation, and no report. Never.
    props.put(p + "socketFactory.fallback", "false");
    props.put(p + "ssl.checkserveridentity", String.valueOf(!policy.dangerousSkipHostnameVerification()));
    if (explicit) {
      props.put(p + "starttls.enable", "true");
      props.put(p + "starttls.required", "true");
    } else {
      props.put(p + "ssl.enable", "true");
    }
    props.put(p + "connectiontimeout", connect);
    props.put(p + "timeout", io);
    props.put(p + "writetimeout", io);
    return props;
  }

  /**
   * Adds to {@code props} the properties of {@link #properties(TlsPolicy, String)} for {@code protocol} and returns
   * {@code props}; read and connect timeouts already in {@code props} are kept. Settings in {@code props} that would
   * weaken or bypass the policy are refused rather than silently overridden or silently obeyed.
   *
   * @throws IllegalArgumentException naming the property: {@code mail.<protocol>.ssl.trust} (its "*" trusts every
   *     server), {@code ssl.protocols}, {@code ssl.ciphersuites} (they would replace the policy's on the socket),
   *     {@code ssl.socketFactory.class}, {@code socketFactory}, {@code socketFactory.class}, or any property this
   *     class sets with another value ({@code starttls.required=false}, {@code ssl.checkserveridentity=false},
   *     {@code socketFactory.fallback=true}, another {@code ssl.socketFactory}, ...)
   */
  public static Properties configure(Properties props, TlsPolicy policy, String protocol) {
    Objects.requireNonNull(props, "props");
    Properties ours = properties(policy, protocol);
    String p = "mail." + protocol + ".";
    for (String key : List.of("ssl.trust", "ssl.protocols", "ssl.ciphersuites", "ssl.socketFactory.class",
        "socketFactory", "socketFactory.class")) {
      if (props.containsKey(p + key)) {
        throw new IllegalArgumentException(p + key + " is set (" + props.get(p + key) + "), which would weaken or"
            + " bypass the TlsPolicy; set trust, protocols and suites on the policy instead");
      }
    }
    for (String key : keys(ours)) {
      Object mine = ours.get(key);
      Object theirs = props.get(key);
      if (theirs == null || key.endsWith("timeout")) continue;
      if (!String.valueOf(theirs).equals(String.valueOf(mine))) {
        throw new IllegalArgumentException(key + " is set to " + theirs + ", which contradicts the TlsPolicy's "
            + mine);
      }
    }
    for (String key : keys(ours)) {
      if (!(key.endsWith("timeout") && props.containsKey(key))) props.put(key, ours.get(key));
    }
    return props;
  }

  private static Set<String> keys(Properties props) {
    Set<String> keys = new TreeSet<>();
    for (Object k : props.keySet()) keys.add((String) k);
    return keys;
  }

  private static String millis(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(name + " must be positive and at most " + Integer.MAX_VALUE + " ms: " + d);
    }
    return Long.toString(d.toMillis());
  }
}
