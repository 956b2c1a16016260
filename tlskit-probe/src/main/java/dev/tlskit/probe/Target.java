package dev.tlskit.probe;

import dev.tlskit.ProxyConfig;
import dev.tlskit.internal.net.Dialer;
import dev.tlskit.internal.trust.HostnameMatcher;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where a probe connects and how: host, port, the name certificates are checked against (and sent as SNI unless it
 * is an IP literal), the optional STARTTLS protocol, and the per-handshake timeout.
 *
 * @param host the host dialled
 * @param port the TCP port
 * @param peerName the expected certificate name
 * @param starttls the explicit-TLS protocol spoken before the handshake, or null for implicit TLS
 * @param timeout the limit for connecting, for each read, and for a whole handshake attempt
 * @param proxy the SOCKS5 or HTTP CONNECT proxy every connection tunnels through, or null to dial directly
 */
public record Target(String host, int port, String peerName, Starttls starttls, Duration timeout,
    ProxyConfig proxy) {
  /** Returns a target dialled directly, without a proxy. */
  public Target(String host, int port, String peerName, Starttls starttls, Duration timeout) {
    this(host, port, peerName, starttls, timeout, null);
  }

  public Target {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(peerName, "peerName");
    Objects.requireNonNull(timeout, "timeout");
    if (port < 1 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
    if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("timeout must be positive and finite: " + timeout);
    }
  }

  /** Returns the SNI name, or null for an IP literal. */
  public String sniName() {
    if (HostnameMatcher.isIpLiteral(peerName)) return null;
    return peerName.endsWith(".") ? peerName.substring(0, peerName.length() - 1) : peerName;
  }

  /** Returns "host:port" ("[::1]:443" for IPv6 literals). */
  public String address() {
    return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
  }

  /**
   * Opens a TCP connection, trying each resolved address once, with the timeout on connect and reads; through the
   * proxy (which resolves the name) when there is one.
   */
  Socket dial() throws IOException {
    if (proxy != null) return Dialer.connect(host, port, proxy, timeout, timeout);
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    IOException last = null;
    for (InetAddress a : List.of(InetAddress.getAllByName(h))) {
      Socket s = new Socket();
      try {
        s.connect(new InetSocketAddress(a, port), Math.toIntExact(timeout.toMillis()));
        s.setSoTimeout(Math.toIntExact(timeout.toMillis()));
        s.setTcpNoDelay(true);
        return s;
      } catch (IOException e) {
        s.close();
        last = e;
      }
    }
    throw last != null ? last : new IOException("no address for " + host);
  }
}
