package dev.tlskit;

import java.util.Objects;
import java.util.Optional;

/**
 * Signals that a connection was stopped for security reasons: the handshake or the peer certificate was rejected,
 * a required upgrade was absent or refused, plaintext was injected at a TLS switch, or credentials would have crossed
 * an unencrypted link. The command line maps this to exit code 3.
 */
public class TlsSecurityException extends TlsKitException {
  /** Why the connection was stopped. */
  public enum Reason {
    /** The TLS handshake failed (protocol, suites, alert from the peer). */
    HANDSHAKE_FAILED,
    /** The peer's certificate failed validation; see {@link #report()}. */
    CERTIFICATE_REJECTED,
    /** The server did not advertise the upgrade (STARTTLS, STLS, AUTH TLS) that was required. */
    UPGRADE_NOT_OFFERED,
    /** The server refused the upgrade or answered it with anything but success. */
    UPGRADE_REFUSED,
    /** Plaintext bytes were buffered at a TLS switch (response or command injection, CVE-2011-0411 class). */
    INJECTION_DETECTED,
    /** The server skipped authentication before TLS (IMAP PREAUTH) while TLS was required. */
    PREAUTH_REFUSED,
    /** Credentials would have crossed an unencrypted link. */
    PLAINTEXT_CREDENTIALS_REFUSED,
    /** The server selected an ALPN protocol we did not offer. */
    ALPN_MISMATCH,
    /** The peer was refused by an authorization hook. */
    PEER_NOT_AUTHORIZED,
    /** The peer ended the TLS stream without close_notify where the application required a clean close. */
    TRUNCATED,
    /**
     * The server refused our client certificate, or required one we did not present: it sent an alert such as
     * certificate_required, unknown_ca or bad_certificate. In TLS 1.3 that alert comes after the handshake, so this
     * is thrown by the first read or write rather than by the connect or upgrade call.
     */
    CLIENT_CERTIFICATE_REFUSED,
    /**
     * The server failed to prove that it knows the password (a wrong or missing SCRAM server signature), or asked
     * for a weakened exchange (too few SCRAM iterations): the login was abandoned as if the server were an impostor.
     */
    SERVER_PROOF_REJECTED
  }

  private final Reason reason;
  private final ServerMetrics.HandshakeFailure failure;
  private final ValidationReport report;

  public TlsSecurityException(Reason reason, String message) {
    this(reason, message, null, null);
  }

  public TlsSecurityException(Reason reason, String message, ValidationReport report, Throwable cause) {
    this(reason, null, message, report, cause);
  }

  /** Creates the exception for a failed or refused handshake; its reason is {@code failure.reason()}. */
  public TlsSecurityException(
      ServerMetrics.HandshakeFailure failure, String message, ValidationReport report, Throwable cause) {
    this(failure.reason(), failure, message, report, cause);
  }

  private TlsSecurityException(Reason reason, ServerMetrics.HandshakeFailure failure, String message,
      ValidationReport report, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.failure = failure;
    this.report = report;
  }

  /** Returns why the connection was stopped. */
  public Reason reason() {
    return reason;
  }

  /**
   * Returns why the handshake failed or the peer was refused, in the finer vocabulary a {@link TlsServer} counts in
   * its {@link ServerMetrics} (client and server alike); empty when the failure was not about a handshake.
   */
  public Optional<ServerMetrics.HandshakeFailure> handshakeFailure() {
    return Optional.ofNullable(failure);
  }

  /** Returns the certificate validation report, when the failure came from (or after) certificate validation. */
  public Optional<ValidationReport> report() {
    return Optional.ofNullable(report);
  }
}
