package dev.tlskit;

import java.net.URI;
import java.util.Objects;

/**
 * A proxy that client connections tunnel through: SOCKS5 (RFC 1928, with RFC 1929 user/password) or HTTP CONNECT
 * (with Basic authentication). The peer's host name is resolved by the proxy. TLS runs end to end through the tunnel.
 */
public final class ProxyConfig {
  /** The proxy protocol. */
  public enum Type { SOCKS5, HTTP_CONNECT }

  private final Type type;
  private final String host;
  private final int port;
  private final String user;
  private final char[] password;

  private ProxyConfig(Type type, String host, int port, String user, char[] password) {
    this.type = Objects.requireNonNull(type, "type");
    this.host = Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65535) throw new IllegalArgumentException("proxy port out of range: " + port);
    this.port = port;
    if ((user == null) != (password == null)) {
      throw new IllegalArgumentException("proxy user and password must be given together");
    }
    this.user = user;
    this.password = password == null ? null : password.clone();
  }

  /** Returns a SOCKS5 proxy without authentication. */
  public static ProxyConfig socks5(String host, int port) {
    return new ProxyConfig(Type.SOCKS5, host, port, null, null);
  }

  /** Returns an HTTP CONNECT proxy without authentication. */
  public static ProxyConfig httpConnect(String host, int port) {
    return new ProxyConfig(Type.HTTP_CONNECT, host, port, null, null);
  }

  /**
   * Parses {@code socks5://[user@]host:port} or {@code http://[user@]host:port}; the password, if the proxy needs
   * one, is passed separately so that it never sits in a command line.
   */
  public static ProxyConfig parse(String uri, char[] password) {
    // Messages show the URI with any password in it masked: they end up in terminals and logs.
    String shown = uri.replaceFirst("//([^/@:]*):[^/@]*@", "//$1:***@");
    URI u;
    try {
      u = new URI(uri);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("proxy is not a valid URI: " + shown);
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
    Type t = switch (scheme) {
      case "socks5", "socks5h", "socks" -> Type.SOCKS5;
      case "http" -> Type.HTTP_CONNECT;
      default -> throw new IllegalArgumentException("proxy must be socks5://host:port or http://host:port: " + shown);
    };
    String user = u.getUserInfo();
    if (user != null && user.contains(":")) {
      throw new IllegalArgumentException("put the proxy password in an environment variable, not in the URI: "
          + shown);
    }
    if (u.getHost() == null || u.getPort() < 0) {
      throw new IllegalArgumentException("proxy needs a host and a port: " + shown);
    }
    if (user != null && password == null) password = new char[0];
    if (user == null) password = null;
    return new ProxyConfig(t, u.getHost(), u.getPort(), user, password);
  }

  /** Returns the same proxy with user/password authentication. */
  public ProxyConfig withCredentials(String user, char[] password) {
    return new ProxyConfig(type, host, port, Objects.requireNonNull(user), Objects.requireNonNull(password));
  }

  public Type type() {
    return type;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** Returns the user name, or null without authentication. */
  public String user() {
    return user;
  }

  /** Returns a copy of the password, or null without authentication. */
  public char[] password() {
    return password == null ? null : password.clone();
  }

  @Override
  public String toString() {
    return (type == Type.SOCKS5 ? "socks5://" : "http://") + (user == null ? "" : user + "@") + host + ":" + port;
  }
}
