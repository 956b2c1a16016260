package dev.tlskit.internal.net;

import java.io.InputStream;
import java.net.ProxySelector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Tells, per connection and without asking the selector, whether the JVM's proxy settings can only answer DIRECT
 * for a socket, which is what {@code new Socket()}'s SOCKS layer would ask {@link ProxySelector#getDefault()}.
 *
 * <p>That holds when there is no default selector, or when it is the JDK's own ({@code sun.net.spi
 * .DefaultProxySelector}) and none of what that selector reads for the {@code socket} scheme selects a proxy:
 * {@code socksProxyHost} is unset or empty (read, as the JDK's {@code NetProperties} does, from the system properties,
 * then from {@code $JAVA_HOME/conf/net.properties}), and {@code java.net.useSystemProxies} was not true (the JDK reads
 * it once, when {@code ProxySelector} is initialised; so does this class, right after making sure that happened).
 * {@code socksNonProxyHosts}, {@code socksProxyPort} and {@code socksProxyVersion} only matter once a host is set.
 */
final class JvmProxies {
  /** The JDK's own default selector class, or null on a JDK without it (then every selector is asked). */
  private static final Class<?> JDK_SELECTOR;
  /** net.properties' {@code socksProxyHost} (normally absent), the default of the system property. */
  private static final String FILE_SOCKS_HOST;
  /** Whether the JDK's selector consults the desktop's proxy settings. */
  private static final boolean SYSTEM_PROXIES;

  static {
    String fileSocksHost = null;
    boolean systemProxies = true; // unknown: never skip asking
    try {
      ProxySelector.getDefault(); // the JDK's selector reads java.net.useSystemProxies when this class initialises
      Properties file = netProperties(Path.of(System.getProperty("java.home"), "conf", "net.properties"));
      fileSocksHost = file.getProperty("socksProxyHost");
      systemProxies = Boolean.parseBoolean(
          System.getProperty("java.net.useSystemProxies", file.getProperty("java.net.useSystemProxies")));
    } catch (SecurityException e) {
      // a security manager (Java 21) keeps the settings from us: the JDK's socket reads them with its own rights
    }
    FILE_SOCKS_HOST = fileSocksHost;
    SYSTEM_PROXIES = systemProxies;
    Class<?> c;
    try {
      c = Class.forName("sun.net.spi.DefaultProxySelector", false, null);
    } catch (ClassNotFoundException e) {
      c = null;
    }
    JDK_SELECTOR = c;
  }

  private JvmProxies() {}

  /**
   * True when the JVM's settings can only answer DIRECT for a socket now: a connection then needs no SOCKS layer.
   * Costs a volatile read and a system property look-up.
   */
  static boolean onlyDirect() {
    try {
      return onlyDirect(ProxySelector.getDefault(), System.getProperty("socksProxyHost", FILE_SOCKS_HOST));
    } catch (SecurityException e) {
      return false; // a security manager (Java 21) hides them from us: the JDK's socket asks with its own rights
    }
  }

  static boolean onlyDirect(ProxySelector selector, String socksHost) {
    if (selector == null) return true; // the JDK's socket connects directly without a selector
    return selector.getClass() == JDK_SELECTOR && !SYSTEM_PROXIES && (socksHost == null || socksHost.isEmpty());
  }

  /** Reads a net.properties file as the JDK does: missing or unreadable means no defaults. */
  static Properties netProperties(Path file) {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    } catch (Exception e) {
      // as the JDK's NetProperties: no file, no defaults
    }
    return p;
  }
}
