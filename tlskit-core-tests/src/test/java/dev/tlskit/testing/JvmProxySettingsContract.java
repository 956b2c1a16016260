package dev.tlskit.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.ProxyConfig;
import dev.tlskit.ServerCertificates;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/**
 * What a TlsClient with no TlsKit proxy does with the JVM's proxy settings, on one policy's path (the JDK's in
 * tlskit-core-tests, the native engine's in tlskit-native): it follows them as {@code new Socket()} does. The proof
 * of a route is the address the server sees: dante connects out from {@link Dante#EXTERNAL}, a direct connection
 * comes from 127.0.0.1. The JVM-wide settings are restored after each test; surefire runs test classes one after the
 * other in its JVM, and the lock keeps it so should parallel execution ever be switched on.
 */
@ResourceLock(Resources.SYSTEM_PROPERTIES)
public abstract class JvmProxySettingsContract {
  @TempDir protected Path dir;

  /** Returns the policy under test, trusting {@link AdapterPki#ROOT}. */
  protected abstract TlsPolicy policy();

  @Test
  void jvmSocksPropertiesRouteAConnectionWithNoTlsKitProxyThroughTheSocksProxy() throws Exception {
    try (Dante dante = Dante.start(dir); TlsServer server = whoAmI()) {
      // socksNonProxyHosts defaults to localhost|127.*: empty, it exempts nothing
      String seen = withProperties(Map.of("socksProxyHost", "127.0.0.1", "socksProxyPort",
          Integer.toString(dante.port()), "socksNonProxyHosts", ""), () -> seenFrom(server));
      assertThat(seen).isEqualTo(Dante.EXTERNAL);
      assertThat(dante.targets()).containsExactly("127.0.0.1:" + server.port());
      // and once the properties are gone, directly again: they are read per connection
      assertThat(seenFrom(server)).isEqualTo("127.0.0.1");
    }
  }

  @Test
  void aDefaultProxySelectorIsAskedAndItsSocksAndDirectAnswersFollowed() throws Exception {
    ProxySelector original = ProxySelector.getDefault();
    try (Dante dante = Dante.start(dir); TlsServer server = whoAmI()) {
      Asking socks = new Asking(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", dante.port())));
      ProxySelector.setDefault(socks);
      assertThat(seenFrom(server)).isEqualTo(Dante.EXTERNAL);
      assertThat(socks.asked).contains(URI.create("socket://127.0.0.1:" + server.port()));
      Asking direct = new Asking(Proxy.NO_PROXY);
      ProxySelector.setDefault(direct);
      assertThat(seenFrom(server)).isEqualTo("127.0.0.1");
      assertThat(direct.asked).contains(URI.create("socket://127.0.0.1:" + server.port()));
      assertThat(dante.targets()).containsExactly("127.0.0.1:" + server.port());
    } finally {
      ProxySelector.setDefault(original);
    }
  }

  @Test
  void withTheJvmDefaultsTheConnectionIsDirect() throws Exception {
    try (TlsServer server = whoAmI()) {
      assertThat(seenFrom(server)).isEqualTo("127.0.0.1");
    }
  }

  @Test
  void aTlsKitProxyReplacesTheJvmsSocksSettings() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    try (Dante dante = Dante.start(dir); TlsServer server = whoAmI()) {
      TlsClient client = TlsClient.builder().policy(policy()).timeout(Duration.ofSeconds(10))
          .proxy(ProxyConfig.socks5("127.0.0.1", dante.port())).build();
      // the JVM's SOCKS proxy is a closed port: the TlsKit proxy is reached without it
      String seen = withProperties(Map.of("socksProxyHost", "127.0.0.1", "socksProxyPort",
          Integer.toString(closed), "socksNonProxyHosts", ""), () -> seenFrom(client, server));
      assertThat(seen).isEqualTo(Dante.EXTERNAL);
    }
  }

  /** A selector answering every question with one proxy, remembering what it was asked. */
  private static final class Asking extends ProxySelector {
    final List<URI> asked = new CopyOnWriteArrayList<>();
    private final Proxy answer;

    Asking(Proxy answer) {
      this.answer = answer;
    }

    @Override
    public List<Proxy> select(URI uri) {
      asked.add(uri);
      return List.of(answer);
    }

    @Override
    public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
      // nothing to learn
    }
  }

  /** A TLS server on 127.0.0.1 that tells each client the address it came from, then hangs up. */
  private static TlsServer whoAmI() throws IOException {
    return TlsServer.builder(c -> c.writeLine(c.remoteAddress().getAddress().getHostAddress()),
        ServerCertificates.of(AdapterPki.GOOD.certifiedKey())).listen("127.0.0.1", 0).start();
  }

  private String seenFrom(TlsServer server) throws IOException {
    return seenFrom(TlsClient.builder().policy(policy()).timeout(Duration.ofSeconds(10)).build(), server);
  }

  private static String seenFrom(TlsClient client, TlsServer server) throws IOException {
    try (TlsConnection c = client.connectTls("127.0.0.1", server.port(), "localhost")) {
      return c.readLine(100);
    }
  }

  interface Body<T> {
    T run() throws Exception;
  }

  /** Runs {@code body} with the system properties {@code set}, then puts back what was there. */
  private static <T> T withProperties(Map<String, String> set, Body<T> body) throws Exception {
    Map<String, String> before = new HashMap<>();
    for (String k : set.keySet()) before.put(k, System.getProperty(k));
    try {
      set.forEach(System::setProperty);
      return body.run();
    } finally {
      before.forEach((k, v) -> {
        if (v == null) System.clearProperty(k);
        else System.setProperty(k, v);
      });
    }
  }
}
