package dev.tlskit;

import java.util.Objects;

/**
 * Signals that a PKCS#11 token (a smart card or HSM, reached through the JDK's SunPKCS11 provider and a configuration
 * file) did not give a client certificate: the message names the configuration file and what went wrong, so a user
 * can fix it from the message alone. The command line maps every problem to exit code 2 (a usage error: the local
 * configuration or PIN is wrong).
 */
public final class Pkcs11Exception extends TlsKitException {
  /** What went wrong. */
  public enum Problem {
    /** The JDK has no SunPKCS11 provider (module {@code jdk.crypto.cryptoki} missing from the runtime). */
    PROVIDER_UNAVAILABLE,
    /**
     * The configuration file cannot be read or used: a syntax error, a module library that does not exist or does
     * not load, no token in the configured slot, or a provider name another configuration already took.
     */
    BAD_CONFIGURATION,
    /** The token refused the PIN. */
    WRONG_PIN,
    /** The token locked its user PIN after too many wrong ones (its security officer must unlock it). */
    PIN_LOCKED,
    /** The token holds no private key with a certificate (or none under the alias asked for). */
    NO_KEY
  }

  private final String configuration;
  private final Problem problem;

  /** Creates the exception; {@code detail} says what was seen. */
  public Pkcs11Exception(String configuration, Problem problem, String detail, Throwable cause) {
    super("PKCS#11 " + configuration + ": " + detail, cause);
    this.configuration = Objects.requireNonNull(configuration, "configuration");
    this.problem = Objects.requireNonNull(problem, "problem");
  }

  /** Returns the configuration file as the caller named it. */
  public String configuration() {
    return configuration;
  }

  /** Returns what went wrong. */
  public Problem problem() {
    return problem;
  }
}
