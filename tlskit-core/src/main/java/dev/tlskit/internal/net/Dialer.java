package dev.tlskit.internal.net;

import dev.tlskit.ProxyConfig;
import dev.tlskit.internal.trust.HostnameMatcher;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Opens TCP connections: tries every address a name resolves to (IPv6 and IPv4, in the resolver's order) until one
 * answers, each attempt bounded by the connect timeout; or tunnels through a SOCKS5 or HTTP CONNECT proxy, which then
 * resolves the name itself.
 */
public final class Dialer {
  private static final int MAX_PROXY_REPLY = 8 * 1024;

  private Dialer() {}

  /** Connects to {@code host:port}, directly or through {@code proxy} (null for none). */
  public static Socket connect(String host, int port, ProxyConfig proxy, Duration connectTimeout,
      Duration readTimeout) throws IOException {
    if (proxy == null) return direct(host, port, connectTimeout, readTimeout);
    Socket s = direct(proxy.host(), proxy.port(), connectTimeout, readTimeout);
    try {
      if (proxy.type() == ProxyConfig.Type.SOCKS5) socks5(s, host, port, proxy);
      else httpConnect(s, host, port, proxy);
      return s;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private static Socket direct(String host, int port, Duration connectTimeout, Duration readTimeout)
      throws IOException {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    InetAddress[] addresses = InetAddress.getAllByName(h);
    List<String> failures = new ArrayList<>();
    IOException last = null;
    for (InetAddress a : addresses) {
      Socket s = new Socket();
      try {
        s.connect(new InetSocketAddress(a, port), Math.toIntExact(connectTimeout.toMillis()));
        s.setSoTimeout(Math.toIntExact(readTimeout.toMillis()));
        s.setTcpNoDelay(true);
        return s;
      } catch (IOException e) {
        s.close();
        last = e;
        failures.add(a.getHostAddress() + ": " + (e instanceof SocketTimeoutException
            ? "timed out after " + connectTimeout.toMillis() + " ms" : e.getMessage()));
      }
    }
    String msg = "cannot connect to " + host + ":" + port + " (" + String.join("; ", failures) + ")";
    IOException e = last instanceof SocketTimeoutException ? new SocketTimeoutException(msg)
        : new ConnectException(msg);
    e.initCause(last);
    throw e;
  }

  private static void socks5(Socket s, String host, int port, ProxyConfig proxy) throws IOException {
    InputStream in = s.getInputStream();
    OutputStream out = s.getOutputStream();
    boolean auth = proxy.user() != null;
    out.write(auth ? new byte[] {5, 2, 0, 2} : new byte[] {5, 1, 0});
    out.flush();
    byte[] choice = readFully(in, 2);
    if (choice[0] != 5) throw new ConnectException("proxy " + proxy + " is not a SOCKS5 proxy");
    if (choice[1] == 2 && auth) {
      byte[] u = proxy.user().getBytes(StandardCharsets.UTF_8);
      byte[] p = new String(proxy.password()).getBytes(StandardCharsets.UTF_8);
      if (u.length > 255 || p.length > 255) throw new IllegalArgumentException("proxy user or password too long");
      ByteArrayOutputStream req = new ByteArrayOutputStream();
      req.write(1);
      req.write(u.length);
      req.write(u);
      req.write(p.length);
      req.write(p);
      out.write(req.toByteArray());
      out.flush();
      byte[] status = readFully(in, 2);
      if (status[1] != 0) throw new ConnectException("SOCKS5 proxy " + proxy + " refused the credentials");
    } else if (choice[1] != 0) {
      throw new ConnectException("SOCKS5 proxy " + proxy + " accepts none of our authentication methods"
          + (auth ? "" : " (it may need a user and password)"));
    }
    ByteArrayOutputStream req = new ByteArrayOutputStream();
    req.write(new byte[] {5, 1, 0});
    byte[] ip = HostnameMatcher.parseIpLiteral(host);
    if (ip != null) {
      req.write(ip.length == 4 ? 1 : 4);
      req.write(ip);
    } else {
      byte[] name = host.getBytes(StandardCharsets.US_ASCII);
      if (name.length > 255) throw new IllegalArgumentException("host name too long for SOCKS5: " + host);
      req.write(3);
      req.write(name.length);
      req.write(name);
    }
    req.write(port >> 8);
    req.write(port & 0xff);
    out.write(req.toByteArray());
    out.flush();
    byte[] head = readFully(in, 4);
    if (head[0] != 5) throw new ConnectException("proxy " + proxy + " sent a malformed SOCKS5 reply");
    if (head[1] != 0) {
      throw new ConnectException("SOCKS5 proxy " + proxy + " could not connect to " + host + ":" + port + ": "
          + socksError(head[1]));
    }
    int addrLen = switch (head[3]) {
      case 1 -> 4;
      case 4 -> 16;
      case 3 -> readFully(in, 1)[0] & 0xff;
      default -> throw new ConnectException("proxy " + proxy + " sent an unknown SOCKS5 address type");
    };
    readFully(in, addrLen + 2); // bound address and port: not needed
  }

  private static String socksError(int code) {
    return switch (code) {
      case 1 -> "general failure";
      case 2 -> "not allowed by ruleset";
      case 3 -> "network unreachable";
      case 4 -> "host unreachable";
      case 5 -> "connection refused";
      case 6 -> "TTL expired";
      case 7 -> "command not supported";
      case 8 -> "address type not supported";
      default -> "error " + code;
    };
  }

  private static void httpConnect(Socket s, String host, int port, ProxyConfig proxy) throws IOException {
    String authority = (HostnameMatcher.parseIpLiteral(host) != null && host.contains(":") && !host.startsWith("[")
        ? "[" + host + "]" : host) + ":" + port;
    StringBuilder req = new StringBuilder()
        .append("CONNECT ").append(authority).append(" HTTP/1.1\r\n")
        .append("Host: ").append(authority).append("\r\n");
    if (proxy.user() != null) {
      String cred = proxy.user() + ":" + new String(proxy.password());
      req.append("Proxy-Authorization: Basic ")
          .append(Base64.getEncoder().encodeToString(cred.getBytes(StandardCharsets.UTF_8))).append("\r\n");
    }
    req.append("\r\n");
    OutputStream out = s.getOutputStream();
    out.write(req.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
    // Read the reply byte by byte: whatever follows the blank line belongs to the tunnel.
    InputStream in = s.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int b = in.read();
      if (b < 0) throw new EOFException("HTTP proxy " + proxy + " closed the connection during CONNECT");
      if (head.size() >= MAX_PROXY_REPLY) throw new ConnectException("HTTP proxy " + proxy + " reply too long");
      head.write(b);
      state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
          ? state + 1 : (b == '\r' ? 1 : 0);
    }
    String reply = head.toString(StandardCharsets.ISO_8859_1);
    String status = reply.substring(0, reply.indexOf('\r'));
    String[] parts = status.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].equals("200")) {
      throw new ConnectException("HTTP proxy " + proxy + " refused CONNECT " + authority + ": " + status);
    }
  }

  private static byte[] readFully(InputStream in, int n) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length < n) throw new EOFException("proxy closed the connection during negotiation");
    return b;
  }
}
