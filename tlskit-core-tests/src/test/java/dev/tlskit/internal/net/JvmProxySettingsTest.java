package dev.tlskit.internal.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tlskit.TlsPolicy;
import dev.tlskit.testing.AdapterPki;
import dev.tlskit.testing.JvmProxySettingsContract;
import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JVM's proxy settings on the JDK path, and when the dialer may skip asking them. */
class JvmProxySettingsTest extends JvmProxySettingsContract {
  @Override
  protected TlsPolicy policy() {
    return AdapterPki.TRUST_ROOT;
  }

  @Test
  void onlyTheJdksOwnSelectorWithNoSocksHostCanOnlyAnswerDirect() {
    ProxySelector jdk = ProxySelector.getDefault();
    assumeTrue(System.getProperty("socksProxyHost") == null && !Boolean.getBoolean("java.net.useSystemProxies"),
        "the JVM running the tests has SOCKS settings of its own");
    assertThat(JvmProxies.onlyDirect()).isTrue();
    assertThat(JvmProxies.onlyDirect(jdk, null)).isTrue();
    assertThat(JvmProxies.onlyDirect(jdk, "")).isTrue(); // as the JDK: an empty host is no host
    assertThat(JvmProxies.onlyDirect(jdk, "socks.example")).isFalse();
    assertThat(JvmProxies.onlyDirect(null, "socks.example")).isTrue(); // no selector: the JDK connects directly
    ProxySelector other = new ProxySelector() {
      @Override
      public List<Proxy> select(URI uri) {
        return List.of(Proxy.NO_PROXY);
      }

      @Override
      public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {}
    };
    assertThat(JvmProxies.onlyDirect(other, null)).isFalse();
    assertThat(JvmProxies.onlyDirect(ProxySelector.of(null), null)).isFalse();
    try {
      System.setProperty("socksProxyHost", "socks.example");
      assertThat(JvmProxies.onlyDirect()).isFalse(); // read per connection
    } finally {
      System.clearProperty("socksProxyHost");
    }
    assertThat(JvmProxies.onlyDirect()).isTrue();
  }

  @Test
  void systemProxiesSwitchedOnWhenTheJvmStartsAreAlwaysAsked() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    for (String flag : List.of("true", "false")) {
      Process p = new ProcessBuilder(java, "-Djava.net.useSystemProxies=" + flag, "-cp",
          System.getProperty("java.class.path"), Says.class.getName()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      assertThat(p.waitFor()).as(out).isZero();
      assertThat(out).as("useSystemProxies=" + flag).isEqualTo("onlyDirect " + !Boolean.parseBoolean(flag));
    }
  }

  /** Prints what {@link JvmProxies#onlyDirect()} says in a JVM of its own. */
  static final class Says {
    public static void main(String[] args) {
      System.out.println("onlyDirect " + JvmProxies.onlyDirect());
    }
  }

  @Test
  void netPropertiesAreReadAsTheJdkReadsThem() throws IOException {
    Path file = Files.writeString(dir.resolve("net.properties"),
        "# a comment\njava.net.useSystemProxies=false\nsocksProxyHost=socks.example\n");
    assertThat(JvmProxies.netProperties(file).getProperty("socksProxyHost")).isEqualTo("socks.example");
    assertThat(JvmProxies.netProperties(dir.resolve("missing"))).isEmpty();
  }
}
