package dev.tlskit;

import java.util.Objects;

/**
 * Signals that the proxy a client tunnels through ({@link ProxyConfig}) answered but did not open the tunnel: it
 * wanted credentials, rejected them, forbade the target, could not reach it, or did not speak the proxy protocol.
 * Nothing of the target server was seen, so this is never a judgement of the server's TLS. A proxy that cannot be
 * reached at all, or that falls silent, is reported as the JDK's {@code ConnectException} or
 * {@code SocketTimeoutException}, as a server would be.
 *
 * <p>The command line maps {@link Reason#TARGET_UNREACHABLE} to exit code 4 (a network failure, the same code as
 * when the server cannot be reached directly) and every other reason to exit code 1 (a refusal: the proxy said no,
 * and retrying will not change its answer).
 */
public final class ProxyException extends TlsKitException {
  /** Why the proxy did not open the tunnel. */
  public enum Reason {
    /** The proxy needs credentials and none were given (SOCKS5: no acceptable method; HTTP 407 without any). */
    AUTHENTICATION_REQUIRED,
    /**
     * The proxy rejected the user name or password (RFC 1929 status not 0; HTTP 407, or 401 as tinyproxy sends, after
     * credentials).
     */
    AUTHENTICATION_FAILED,
    /** The proxy's rules forbid this client or target (SOCKS5 reply 2; HTTP 403). */
    NOT_ALLOWED,
    /** The proxy could not reach the target (SOCKS5 replies 3, 4, 5, 6; HTTP 502, 504). */
    TARGET_UNREACHABLE,
    /**
     * Any other refusal (SOCKS5 replies 1, 7, 8 and unknown codes; any other HTTP status than 200, such as the 500
     * "Unable to connect" tinyproxy sends for a target it cannot reach).
     */
    REFUSED,
    /** The reply was not the proxy protocol configured (a wrong port, or not a proxy at all). */
    NOT_A_PROXY
  }

  private final Reason reason;
  private final String proxy;
  private final String target;
  private final String replyCode;

  /**
   * Creates an error; {@code replyCode} is the SOCKS5 reply code or HTTP status code as a decimal string, or null
   * when the proxy sent none.
   */
  public ProxyException(Reason reason, ProxyConfig proxy, String target, String replyCode, String message) {
    super(message, null);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.proxy = Objects.requireNonNull(proxy, "proxy").toString();
    this.target = Objects.requireNonNull(target, "target");
    this.replyCode = replyCode;
  }

  public Reason reason() {
    return reason;
  }

  /** Returns the proxy as {@code socks5://user@host:port} or {@code http://user@host:port} (never a password). */
  public String proxy() {
    return proxy;
  }

  /** Returns the {@code host:port} the tunnel was asked for. */
  public String target() {
    return target;
  }

  /** Returns the SOCKS5 reply code or HTTP status code in decimal, or null when the proxy sent none. */
  public String replyCode() {
    return replyCode;
  }
}
