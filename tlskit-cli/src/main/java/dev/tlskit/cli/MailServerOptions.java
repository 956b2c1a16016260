package dev.tlskit.cli;

import dev.tlskit.TlsMode;
import dev.tlskit.sasl.ChannelBinding;
import dev.tlskit.sasl.SaslMechanism;
import java.io.IOException;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The options every mail command shares: server, TLS mode, user and the variable holding the password. */
final class MailServerOptions {
  @Option(names = "--server", required = true, paramLabel = "HOST[:PORT]",
      description = "Mail server; IPv6 literals in brackets ([::1]:993).")
  String server;

  @Option(names = "--tls", paramLabel = "MODE", defaultValue = "auto",
      description = "auto (default: implicit TLS on 465/993/995, required STARTTLS on 25/587/143/110; on other"
          + " ports waits 1.5 s for a greeting: one means STARTTLS, silence means implicit TLS), starttls,"
          + " implicit, none (plaintext; credentials only to loopback), opportunistic (INSECURE: STARTTLS only"
          + " if offered).")
  String tls;

  /** How the connection's TLS mode was settled, set by the command once it connected (for --json). */
  TlsMode.Decision decided;

  @Option(names = "--user", paramLabel = "USER", description = "User name to log in as.")
  String user;

  @Option(names = "--password-env", paramLabel = "VAR",
      description = "Environment variable holding the password (never pass it on the command line).")
  String passwordEnv;

  @Option(names = "--auth", paramLabel = "MECH",
      description = "SASL mechanism to log in with: scram-sha-256-plus, scram-sha-256, plain, login, cram-md5, or"
          + " oauthbearer/xoauth2 (then --password-env holds the OAuth 2.0 token). Default: the strongest password"
          + " mechanism the server offers over TLS (SCRAM-SHA-256-PLUS, SCRAM-SHA-256, PLAIN, LOGIN, CRAM-MD5)."
          + " Never used over plaintext.")
  String auth;

  @Option(names = "--channel-binding", paramLabel = "TYPE",
      description = "Channel binding for SCRAM-SHA-256-PLUS: tls-exporter (RFC 9266) or tls-server-end-point (RFC"
          + " 5929). Default: tls-exporter on TLS 1.3 when this Java can export keying material (JDK 25+), else"
          + " tls-server-end-point. SCRAM does not negotiate it: a server that computes another type refuses the"
          + " login.")
  String channelBinding;

  /** Logs in with a password chosen by the client ({@code --auth} absent), or with the mechanism named. */
  @FunctionalInterface
  interface Login {
    void login(String user, char[] secret) throws IOException;
  }

  /** Logs in with a named mechanism. */
  @FunctionalInterface
  interface MechanismLogin {
    void login(SaslMechanism mechanism, String user, char[] secret) throws IOException;
  }

  /**
   * Returns the mechanism --auth names, or null when absent.
   *
   * @throws UsageException for an unknown name, or --auth without --user
   */
  SaslMechanism mechanism() {
    if (auth == null) return null;
    if (user == null) throw new UsageException("--auth needs --user and --password-env");
    try {
      return SaslMechanism.of(auth);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--auth: " + e.getMessage());
    }
  }

  /**
   * Returns the type --channel-binding names, or null when absent.
   *
   * @throws UsageException for an unknown name
   */
  ChannelBinding channelBinding() {
    if (channelBinding == null) return null;
    try {
      return ChannelBinding.of(channelBinding);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--channel-binding: " + e.getMessage());
    }
  }

  /** Logs in as --user with the secret of --password-env: with --auth's mechanism when given, else {@code auto}. */
  void login(Login auto, MechanismLogin told) throws IOException {
    SaslMechanism m = mechanism();
    if (m == null) auto.login(user, password());
    else told.login(m, user, password());
  }

  /** Returns the TLS mode asked for. */
  TlsMode mode() {
    try {
      return TlsMode.valueOf(tls.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--tls must be auto, starttls, implicit, none or opportunistic: " + tls);
    }
  }

  /** Returns the host part of --server. */
  String host() {
    if (server.startsWith("[")) {
      int end = server.indexOf(']');
      if (end < 0) throw new UsageException("--server: missing ']' in " + server);
      return server.substring(1, end);
    }
    int colon = server.indexOf(':');
    return colon >= 0 && server.indexOf(':', colon + 1) < 0 ? server.substring(0, colon) : server;
  }

  /**
   * Returns the port of --server, or the protocol's default: the implicit port for AUTO and IMPLICIT (RFC 8314
   * prefers implicit TLS), the STARTTLS port otherwise.
   */
  int port(int starttlsPort, int implicitPort) {
    String rest = server.startsWith("[") ? server.substring(server.indexOf(']') + 1)
        : server.indexOf(':') >= 0 && server.indexOf(':') == server.lastIndexOf(':')
            ? server.substring(server.indexOf(':')) : "";
    if (rest.isEmpty()) {
      TlsMode m = mode();
      return m == TlsMode.AUTO || m == TlsMode.IMPLICIT ? implicitPort : starttlsPort;
    }
    try {
      int port = Integer.parseInt(rest.substring(1));
      if (port < 1 || port > 65535) throw new NumberFormatException();
      return port;
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      throw new UsageException("--server: bad port in " + server);
    }
  }

  /** Returns true when --user was given; then --password-env is required. */
  boolean hasUser() {
    if (user != null && passwordEnv == null) throw new UsageException("--user needs --password-env VAR");
    return user != null;
  }

  char[] password() {
    return GlobalOptions.secretFromEnv("--password-env", passwordEnv);
  }

  /** Returns the name to verify the certificate against: --peer-name, else the host. */
  String peerName(GlobalOptions global) {
    return ClientOptions.peerName(global, host());
  }

  /** Makes server text safe for one terminal line: control characters become '?'. */
  static String oneLine(String s) {
    if (s == null) return "";
    StringBuilder sb = new StringBuilder(s.length());
    for (char c : s.toCharArray()) sb.append(c < 0x20 || c == 0x7f ? '?' : c);
    return sb.toString();
  }
}
