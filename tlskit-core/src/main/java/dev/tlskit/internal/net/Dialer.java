package dev.tlskit.internal.net;

import dev.tlskit.ProxyConfig;
import dev.tlskit.ProxyException;
import dev.tlskit.ProxyException.Reason;
import dev.tlskit.internal.io.PeerText;
import dev.tlskit.internal.trust.HostnameMatcher;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Opens TCP connections: tries every address a name resolves to (IPv6 and IPv4, in the resolver's order) until one
 * answers, each attempt bounded by the connect timeout; or tunnels through a SOCKS5 or HTTP CONNECT proxy, which then
 * resolves the name itself. A proxy that answers but does not open the tunnel raises {@link ProxyException}; the
 * proxy password is sent from byte arrays cleared right after, and never appears in a message.
 *
 * <p>With no TlsKit proxy, every connection follows the JVM's proxy selection for sockets exactly as {@code new
 * Socket()} does (the JDK's SOCKS layer asks {@link java.net.ProxySelector#getDefault()} on connect: a SOCKS answer is
 * used, DIRECT or HTTP ones connect directly), on the JDK and the native path alike; when the JVM's settings can only
 * answer DIRECT ({@link JvmProxies#onlyDirect()}, checked per connection), the socket has no SOCKS layer at all and
 * nothing is asked. A TlsKit proxy replaces the JVM's selection: it is reached directly.
 */
public final class Dialer {
  private static final int MAX_PROXY_REPLY = 8 * 1024;

  private Dialer() {}

  /** Connects to {@code host:port}, directly or through {@code proxy} (null for none). */
  public static Socket connect(String host, int port, ProxyConfig proxy, Duration connectTimeout,
      Duration readTimeout) throws IOException {
    return connect(host, port, proxy, connectTimeout, readTimeout, false);
  }

  /**
   * Like {@link #connect(String, int, ProxyConfig, Duration, Duration)}; with {@code channel}, the socket is a
   * {@link SocketChannel}'s (its {@link Socket#getChannel()} is not null), otherwise a plain one; a plain one also when
   * the JVM's proxy settings may select a SOCKS proxy for it (see the class comment).
   */
  public static Socket connect(String host, int port, ProxyConfig proxy, Duration connectTimeout,
      Duration readTimeout, boolean channel) throws IOException {
    if (proxy == null) return direct(host, port, connectTimeout, readTimeout, channel, !JvmProxies.onlyDirect());
    Socket s = direct(proxy.host(), proxy.port(), connectTimeout, readTimeout, channel, false);
    try {
      if (proxy.type() == ProxyConfig.Type.SOCKS5) socks5(s, host, port, proxy);
      else httpConnect(s, host, port, proxy);
      return s;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /**
   * Connects to one of {@code host}'s addresses; with {@code jvmProxy}, through the JDK's socket, which asks the JVM's
   * proxy selector and may tunnel through a SOCKS proxy (it has no channel: the native engine then uses its stream
   * path); without, from a channel when {@code channel} is set, else from a socket with no SOCKS layer.
   */
  private static Socket direct(String host, int port, Duration connectTimeout, Duration readTimeout,
      boolean channel, boolean jvmProxy) throws IOException {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    InetAddress[] addresses = InetAddress.getAllByName(h);
    List<String> failures = new ArrayList<>();
    IOException last = null;
    for (InetAddress a : addresses) {
      Socket s = jvmProxy ? new Socket() : channel ? SocketChannel.open().socket() : new Socket(Proxy.NO_PROXY);
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
    String target = authority(host, port);
    InputStream in = s.getInputStream();
    OutputStream out = s.getOutputStream();
    boolean auth = proxy.user() != null;
    out.write(auth ? new byte[] {5, 2, 0, 2} : new byte[] {5, 1, 0});
    out.flush();
    byte[] choice = readFully(in, 2);
    if (choice[0] != 5) {
      throw new ProxyException(Reason.NOT_A_PROXY, proxy, target, null, "proxy " + proxy
          + " is not a SOCKS5 proxy: it answered " + PeerText.quote(choice, 0, choice.length));
    }
    if (choice[1] == 2 && auth) {
      authenticate(in, out, proxy, target);
    } else if (choice[1] == (byte) 0xff) {
      throw new ProxyException(auth ? Reason.REFUSED : Reason.AUTHENTICATION_REQUIRED, proxy, target, null,
          "SOCKS5 proxy " + proxy + " accepts none of our authentication methods ("
              + (auth ? "none, user/password)" : "none): it needs a user and password"));
    } else if (choice[1] != 0) {
      throw new ProxyException(Reason.NOT_A_PROXY, proxy, target, null, "SOCKS5 proxy " + proxy
          + " chose authentication method " + (choice[1] & 0xff) + ", which we did not offer");
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
    if (head[0] != 5) {
      throw new ProxyException(Reason.NOT_A_PROXY, proxy, target, null, "proxy " + proxy
          + " sent a malformed SOCKS5 reply: " + PeerText.quote(head, 0, head.length));
    }
    int code = head[1] & 0xff;
    if (code != 0) {
      Reason reason = switch (code) {
        case 2 -> Reason.NOT_ALLOWED;
        case 3, 4, 5, 6 -> Reason.TARGET_UNREACHABLE;
        default -> Reason.REFUSED;
      };
      throw new ProxyException(reason, proxy, target, Integer.toString(code), "SOCKS5 proxy " + proxy
          + " could not connect to " + target + ": reply " + code + ", " + socksError(code));
    }
    int addrLen = switch (head[3]) {
      case 1 -> 4;
      case 4 -> 16;
      case 3 -> readFully(in, 1)[0] & 0xff;
      default -> throw new ProxyException(Reason.NOT_A_PROXY, proxy, target, null,
          "proxy " + proxy + " sent an unknown SOCKS5 address type " + (head[3] & 0xff));
    };
    readFully(in, addrLen + 2); // bound address and port: not needed
  }

  /** RFC 1929 user/password sub-negotiation; the password's bytes are cleared once sent. */
  private static void authenticate(InputStream in, OutputStream out, ProxyConfig proxy, String target)
      throws IOException {
    byte[] u = proxy.user().getBytes(StandardCharsets.UTF_8);
    byte[] p = utf8(proxy.password());
    byte[] req = new byte[3 + u.length + p.length];
    try {
      if (u.length > 255 || p.length > 255) {
        throw new IllegalArgumentException("SOCKS5 user and password are limited to 255 bytes each (RFC 1929)");
      }
      req[0] = 1;
      req[1] = (byte) u.length;
      System.arraycopy(u, 0, req, 2, u.length);
      req[2 + u.length] = (byte) p.length;
      System.arraycopy(p, 0, req, 3 + u.length, p.length);
      out.write(req);
      out.flush();
    } finally {
      Arrays.fill(p, (byte) 0);
      Arrays.fill(req, (byte) 0);
    }
    byte[] status = readFully(in, 2);
    if (status[1] != 0) {
      throw new ProxyException(Reason.AUTHENTICATION_FAILED, proxy, target, Integer.toString(status[1] & 0xff),
          "SOCKS5 proxy " + proxy + " rejected the user name or password (RFC 1929 status " + (status[1] & 0xff)
              + ")");
    }
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
      default -> "unknown error";
    };
  }

  private static void httpConnect(Socket s, String host, int port, ProxyConfig proxy) throws IOException {
    String authority = authority(host, port);
    byte[] head = ("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    byte[] auth = new byte[0];
    if (proxy.user() != null) {
      char[] pw = proxy.password();
      char[] cred = new char[proxy.user().length() + 1 + pw.length];
      proxy.user().getChars(0, proxy.user().length(), cred, 0);
      cred[proxy.user().length()] = ':';
      System.arraycopy(pw, 0, cred, proxy.user().length() + 1, pw.length);
      Arrays.fill(pw, '\0');
      byte[] raw = utf8(cred);
      byte[] prefix = "Proxy-Authorization: Basic ".getBytes(StandardCharsets.US_ASCII);
      byte[] b64 = Base64.getEncoder().encode(raw);
      Arrays.fill(raw, (byte) 0);
      auth = new byte[prefix.length + b64.length + 2];
      System.arraycopy(prefix, 0, auth, 0, prefix.length);
      System.arraycopy(b64, 0, auth, prefix.length, b64.length);
      auth[auth.length - 2] = '\r';
      auth[auth.length - 1] = '\n';
      Arrays.fill(b64, (byte) 0);
    }
    OutputStream out = s.getOutputStream();
    byte[] req = new byte[head.length + auth.length + 2];
    System.arraycopy(head, 0, req, 0, head.length);
    System.arraycopy(auth, 0, req, head.length, auth.length);
    req[req.length - 2] = '\r';
    req[req.length - 1] = '\n';
    try {
      out.write(req);
      out.flush();
    } finally {
      Arrays.fill(auth, (byte) 0);
      Arrays.fill(req, (byte) 0);
    }
    // Read the reply byte by byte: whatever follows the blank line belongs to the tunnel.
    InputStream in = s.getInputStream();
    ByteArrayOutputStream reply = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int b = in.read();
      if (b < 0) throw new EOFException("HTTP proxy " + proxy + " closed the connection during CONNECT");
      if (reply.size() >= MAX_PROXY_REPLY) {
        throw new ProxyException(Reason.NOT_A_PROXY, proxy, authority, null,
            "HTTP proxy " + proxy + " sent a reply header longer than " + MAX_PROXY_REPLY + " bytes");
      }
      reply.write(b);
      state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
          ? state + 1 : (b == '\r' ? 1 : 0);
    }
    String text = reply.toString(StandardCharsets.ISO_8859_1);
    String status = text.substring(0, text.indexOf('\r'));
    String[] parts = status.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("[0-9]{3}")) {
      throw new ProxyException(Reason.NOT_A_PROXY, proxy, authority, null, "HTTP proxy " + proxy
          + " did not answer CONNECT in HTTP: " + PeerText.quote(status));
    }
    if (parts[1].equals("200")) return;
    Reason reason = switch (parts[1]) {
      // 401 is what tinyproxy answers to wrong credentials
      case "407", "401" -> proxy.user() == null ? Reason.AUTHENTICATION_REQUIRED : Reason.AUTHENTICATION_FAILED;
      case "403" -> Reason.NOT_ALLOWED;
      case "502", "504" -> Reason.TARGET_UNREACHABLE;
      default -> Reason.REFUSED;
    };
    throw new ProxyException(reason, proxy, authority, parts[1], "HTTP proxy " + proxy + " refused CONNECT "
        + authority + ": " + PeerText.quote(status) + switch (reason) {
          case AUTHENTICATION_REQUIRED -> " (it needs a user and password)";
          case AUTHENTICATION_FAILED -> " (it rejected the user name or password)";
          default -> "";
        });
  }

  /** Returns {@code host:port}, an IPv6 literal in brackets. */
  private static String authority(String host, int port) {
    return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
  }

  /** Encodes {@code chars} as UTF-8 and clears them, so that the secret lives in one array the caller clears. */
  private static byte[] utf8(char[] chars) {
    ByteBuffer b = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
    byte[] out = new byte[b.remaining()];
    b.get(out);
    if (b.hasArray()) Arrays.fill(b.array(), (byte) 0);
    Arrays.fill(chars, '\0');
    return out;
  }

  private static byte[] readFully(InputStream in, int n) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length < n) throw new EOFException("proxy closed the connection during negotiation");
    return b;
  }
}
