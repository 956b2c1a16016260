package dev.tlskit.cli;

import dev.tlskit.AutoTlsException;
import dev.tlskit.CertificateProblem;
import dev.tlskit.ProtocolException;
import dev.tlskit.sasl.ChannelBinding;
import dev.tlskit.sasl.ChannelBindingException;
import dev.tlskit.sasl.MechanismNotOfferedException;
import dev.tlskit.ProxyException;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.certs.CertificateFileException;
import dev.tlskit.sasl.SaslMechanism;
import dev.tlskit.ftp.SessionReuseRequiredException;
import dev.tlskit.ftp.DownloadFailedException;
import dev.tlskit.ftp.UploadFailedException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/** Turns the error that ended a command into one line of advice: what to try next. */
final class ErrorHints {
  /** Alerts a server sends when it judged the client certificate we presented and refused it. */
  private static final Pattern REFUSED_OUR_CERTIFICATE = Pattern.compile("fatal alert: (bad_certificate|"
      + "certificate_unknown|unknown_ca|certificate_expired|certificate_revoked|unsupported_certificate)");

  private ErrorHints() {}

  /** Returns advice for {@code error} when no client certificate was given; see {@link #hint(Throwable, boolean)}. */
  static Optional<String> hint(Throwable error) {
    return hint(error, false);
  }

  /**
   * Returns advice for {@code error}, or empty when the message says all there is to say.
   *
   * @param clientCertificate whether the command presented a client certificate (--cert): only then can a server
   *     that drops the connection be refusing it
   */
  static Optional<String> hint(Throwable error, boolean clientCertificate) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      Optional<String> h = direct(t, clientCertificate);
      if (h.isPresent()) return h;
    }
    return Optional.empty();
  }

  /** Prints "Try: advice" when there is advice for {@code error}. */
  static void print(java.io.PrintWriter to, Throwable error, boolean clientCertificate) {
    hint(error, clientCertificate).ifPresent(h -> to.println("Try: " + h));
  }

  private static Optional<String> direct(Throwable t, boolean clientCertificate) {
    String message = String.valueOf(t.getMessage());
    return switch (t) {
      case SessionReuseRequiredException e when "TLSv1.3".equals(e.protection().protocol())
          && String.valueOf(e.protection().mechanism()).startsWith("BouncyCastle") -> Optional.of("the server"
          + " requires every FTPS data connection to resume the control connection's TLS session, and BouncyCastle's"
          + " JSSE (which --groups selects for a post-quantum group on the JDK's engine) does not resume TLS 1.3"
          + " sessions: add --provider native (BoringSSL resumes them, with the hybrid group too);"
          + " docs/ftps-session-reuse.md");
      case SessionReuseRequiredException e -> Optional.of("the server requires every FTPS data connection to resume"
          + " the control connection's TLS session"
          + (e.protection().protocol() == null ? "" : " (" + e.protection().protocol() + " here)")
          + ", and refused one that did not: a server that issues no TLS 1.3 session tickets cannot be resumed; ask"
          + " its operator to issue them,"
          + " or to accept data connections without reuse (vsftpd: require_ssl_reuse=NO; ProFTPD: TLSOptions"
          + " NoSessionReuseRequired); docs/ftps-session-reuse.md");
      case DownloadFailedException e when e.getCause() instanceof SocketException -> Optional.of("the data connection"
          + " was cut during the transfer; " + resumeFrom(e));
      case DownloadFailedException e when e.partFile().isPresent() && !e.isComplete() ->
          Optional.of(hint(e.getCause()).map(h -> h + "; ").orElse("") + resumeFrom(e));
      case UploadFailedException e when e.remoteFile() == UploadFailedException.RemoteFile.PARTIALLY_WRITTEN ->
          Optional.of(hint(e.getCause()).map(h -> h + "; ").orElse("")
              + "with --atomic, a failed upload leaves the remote file untouched");
      case ProxyException e -> Optional.of(switch (e.reason()) {
        case AUTHENTICATION_REQUIRED -> "name the proxy user in --proxy (socks5://USER@host:port or"
            + " http://USER@host:port) and give its password with --proxy-password-env VAR";
        case AUTHENTICATION_FAILED -> "check the user in --proxy and the password in the variable that"
            + " --proxy-password-env names";
        case NOT_ALLOWED -> "the proxy's rules forbid this connection: ask its operator to allow this client and"
            + " the server's host and port";
        case TARGET_UNREACHABLE -> "the proxy cannot reach the server: check the host and port as the proxy sees"
            + " them (it resolves the name itself)";
        case REFUSED -> "the proxy refused the tunnel for a reason of its own (its reply is quoted above)";
        case NOT_A_PROXY -> "check the proxy's scheme and port: socks5:// for a SOCKS5 proxy, http:// for an HTTP"
            + " CONNECT proxy";
      });
      case TlsSecurityException e -> Optional.ofNullable(forSecurity(e, message));
      case CertificateFileException e ->
          Optional.of("check the path and the format; 'tlskit cert show FILE' describes what a file holds");
      case UnknownHostException e -> Optional.of("check the host name (it does not resolve), or give an IP address");
      case SocketTimeoutException e -> Optional.of(message.toLowerCase(Locale.ROOT).contains("read")
          ? "the server accepted the connection but said nothing in time: with --starttls, dial its plaintext port"
              + " (587/143/110/21), not an implicit-TLS one (465/993/995/990), which waits for a handshake;"
              + " or allow more time with --timeout SECONDS"
          : "check the host and port (a firewall drops the packets?), or allow more time with --timeout SECONDS");
      case ConnectException e -> Optional.of("check the host and port: is the server running and listening there?"
          + " (for STARTTLS use the plaintext port, e.g. 587/143/110/21; for implicit TLS 465/993/995/990)");
      case NoRouteToHostException e -> Optional.of("check the address and your network route");
      case AutoTlsException e -> Optional.of("--tls auto could not tell how this port works from what the server"
          + " did: check the port, or name the mode (--tls starttls for a server that greets late, --tls implicit"
          + " for one that speaks TLS)");
      case MechanismNotOfferedException e -> Optional.of(forMechanism(e));
      case ChannelBindingException e -> Optional.of(forChannelBinding(e));
      case ProtocolException e when message.contains("answered in TLS where a plaintext") ->
          Optional.of("this port speaks TLS from the first byte: use --tls implicit (mail and ftp commands) or"
              + " 'connect' without --starttls, or dial the server's plaintext port (587/143/110/21) for STARTTLS");
      case SSLException e when message.contains("fatal alert: certificate_required") ->
          Optional.of("the server requires a client certificate: give one with --cert FILE [--key FILE]");
      case SSLException e when REFUSED_OUR_CERTIFICATE.matcher(message).find() ->
          Optional.of("the server did not accept our client certificate: it must be issued by a CA the server"
              + " trusts and be valid now ('tlskit cert show FILE' shows its issuer and dates)");
      case SocketException e when message.contains("Broken pipe") || message.contains("Connection reset") ->
          Optional.of(clientCertificate
              ? "the server closed the connection: it may be busy (at its connection limit), or refusing our client"
                  + " certificate: check --cert/--key and that the server trusts their issuer, and its log"
              : "the server closed the connection during the handshake: it is busy (at its connection limit) or"
                  + " refusing connections from this address; try again shortly, or check the server's log");
      default -> Optional.empty();
    };
  }

  /** Says how to continue a failed download: from what its .part file keeps, or from the start. */
  private static String resumeFrom(DownloadFailedException e) {
    return e.partFile().isPresent() && !e.isComplete()
        ? "'tlskit ftp get --resume' continues " + e.partFile().get() + " from byte " + e.bytesKept()
        : "try again";
  }

  /** Names the other binding type, and plain SCRAM as the last resort, for a -PLUS login that failed. */
  private static String forChannelBinding(ChannelBindingException e) {
    String other = e.binding() == ChannelBinding.TLS_EXPORTER ? ChannelBinding.TLS_SERVER_END_POINT.wireName()
        : ChannelBinding.TLS_EXPORTER.wireName();
    return e.reason() == ChannelBindingException.Reason.UNAVAILABLE
        ? "bind with --channel-binding " + other + ", or log in without binding: --auth scram-sha-256"
        : "check the password; if it is right, the server may not implement " + e.binding().wireName() + ": try"
            + " --channel-binding " + other + "; --auth scram-sha-256 logs in without binding, which a"
            + " TLS-terminating proxy (or a man in the middle) cannot be told apart from";
  }

  /** Names the mechanisms TlsKit knows among those the server offers, for --auth. */
  private static String forMechanism(MechanismNotOfferedException e) {
    List<String> known = e.offered().stream().filter(o -> SaslMechanism.strongest(List.of(o), false).isPresent()
        || SaslMechanism.strongest(List.of(o), true).isPresent()).map(o -> o.toLowerCase(Locale.ROOT)).toList();
    return known.isEmpty()
        ? "the server offers no login mechanism TlsKit knows over this connection: check the port, and ask the"
            + " server's operator which logins it accepts"
        : "name one the server offers with --auth: " + String.join(", ", known)
            + " (oauthbearer and xoauth2 take a token in --password-env, the others a password)";
  }

  private static String forSecurity(TlsSecurityException e, String message) {
    return switch (e.reason()) {
      case CERTIFICATE_REJECTED -> forCertificate(e);
      case HANDSHAKE_FAILED -> message.contains("--cert") ? null
          : "see what the server accepts with 'tlskit probe HOST:PORT'; if it offers only older suites (AES-CBC),"
              + " --policy legacy reaches it; if it requires a client certificate, give one with --cert FILE"
              + " [--key FILE]";
      case UPGRADE_NOT_OFFERED -> "the server does not offer the upgrade on this port: use its implicit-TLS port"
          + " (465/993/995/990; 'connect' without --starttls, mail and ftp commands with --tls implicit) or check"
          + " that you dialled the right service";
      case UPGRADE_REFUSED -> "the server refused to start TLS; 'tlskit connect HOST:PORT --starttls PROTO' shows"
          + " the exchange";
      case INJECTION_DETECTED -> "something on the path (or the server) sent data before the TLS handshake: do not"
          + " retry in plaintext; report it to the server's operator";
      case PLAINTEXT_CREDENTIALS_REFUSED -> "use --tls starttls or --tls implicit so credentials travel encrypted";
      case SERVER_PROOF_REJECTED -> "the server could not prove it knows your password: check that you reached the"
          + " right server, and tell its operator; do not retry with a weaker --auth";
      default -> null;
    };
  }

  private static String forCertificate(TlsSecurityException e) {
    List<CertificateProblem> problems = e.report().map(r -> r.problems()).orElse(List.of());
    for (CertificateProblem p : problems) {
      if (p instanceof CertificateProblem.MissingSubjectAltName m) {
        return "the server's certificate names " + m.expected() + " only in its subject CN, which clients no longer"
            + " read (RFC 9525): reissue it with the name as a subjectAltName ('tlskit cert issue --name "
            + m.expected() + "', or openssl's -addext subjectAltName=DNS:" + m.expected() + ")";
      }
    }
    boolean name = problems.stream().anyMatch(p -> p instanceof CertificateProblem.NameMismatch);
    boolean issuer = problems.stream().anyMatch(p -> p instanceof CertificateProblem.UntrustedIssuer
        || p instanceof CertificateProblem.IncompleteChain);
    if (name && !issuer) {
      return "dial the name the certificate gives, or verify that name with --peer-name NAME when you dial an"
          + " address";
    }
    if (issuer && !name) {
      return "if you trust this server's CA, pass its certificate with --trust FILE (PEM bundle or PKCS#12)";
    }
    return "pass the issuing CA with --trust FILE and the name to verify with --peer-name NAME;"
        + " 'tlskit connect HOST:PORT --no-relay' prints the whole validation report";
  }
}
