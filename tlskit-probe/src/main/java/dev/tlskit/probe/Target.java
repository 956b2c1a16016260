package dev.tlskit.probe;

import dev.tlskit.ProxyConfig;
import dev.tlskit.internal.net.Dialer;
import dev.tlskit.internal.trust.HostnameMatcher;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;

/**
 * Where a probe connects and how: host, port, the name certificates are checked against (and sent as SNI unless it
 * is an IP literal), the optional STARTTLS protocol, and the per-handshake timeout.
 */
public final class Target {
  private final String host;
  private final int port;
  private final String peerName;
  private final Starttls starttls;
  private final Duration timeout;
  private final ProxyConfig proxy;

  /**
   * @param host the host dialled
   * @param port the TCP port
   * @param peerName the expected certificate name
   * @param starttls the explicit-TLS protocol spoken before the handshake, or null for implicit TLS
   * @param timeout the limit for connecting, for each read, and (doubled) for a whole handshake attempt
   */
  public Target(String host, int port, String peerName, Starttls starttls, Duration timeout) {
    this(host, port, peerName, starttls, timeout, null);
  }

  /**
   * Returns a target whose every connection tunnels through {@code proxy} (SOCKS5 or HTTP CONNECT), or is dialled
   * directly when it is null; the other parameters as above.
   */
  public Target(String host, int port, String peerName, Starttls starttls, Duration timeout, ProxyConfig proxy) {
    this.proxy = proxy;
    this.host = Objects.requireNonNull(host, "host");
    this.peerName = Objects.requireNonNull(peerName, "peerName");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (port < 1 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
    if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("timeout must be positive and finite: " + timeout);
    }
    this.port = port;
    this.starttls = starttls;
  }

  String host() {
    return host;
  }

  int port() {
    return port;
  }

  String peerName() {
    return peerName;
  }

  /** Returns the explicit-TLS protocol, or null for implicit TLS. */
  Starttls starttls() {
    return starttls;
  }

  Duration timeout() {
    return timeout;
  }

  /** Returns the proxy every connection tunnels through, or null. */
  ProxyConfig proxy() {
    return proxy;
  }

  /** Returns the SNI name, or null for an IP literal. */
  String sniName() {
    if (HostnameMatcher.isIpLiteral(peerName)) return null;
    return peerName.endsWith(".") ? peerName.substring(0, peerName.length() - 1) : peerName;
  }

  /** Returns "host:port" ("[::1]:443" for IPv6 literals). */
  public String address() {
    return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
  }

  /**
   * Opens a TCP connection with core's dialler (the one every TlsKit client uses, and the STARTTLS preamble's
   * {@code TlsClient} too): each resolved address in turn, or through the proxy (which resolves the name) when there
   * is one; the timeout on connecting and on each read.
   */
  Socket dial() throws IOException {
    return Dialer.connect(host, port, proxy, timeout, timeout);
  }
}
