package dev.tlskit.ftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ProxyConfig;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsMode;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

class FtpClientBuilderTest {
  @Test
  void timeoutsBeyondWhatASocketTimeoutHoldsAreRefusedAtBuildTime() {
    // FTP takes its timeouts from the TLS client, which refuses them as the FTP builder once did
    Duration tooLong = Duration.ofMillis(Integer.MAX_VALUE + 1L);
    assertThatThrownBy(() -> TlsClient.builder().readTimeout(tooLong))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readTimeout");
    assertThatThrownBy(() -> TlsClient.builder().connectTimeout(tooLong))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectTimeout");
    assertThatThrownBy(() -> TlsClient.builder().readTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void controlKeepAliveRefusesANegativeInterval() {
    assertThatThrownBy(() -> FtpClient.builder().controlKeepAlive(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("controlKeepAlive").hasMessageContaining("-1");
    assertThat(FtpClient.builder().controlKeepAlive(Duration.ZERO).build()).isNotNull();
  }

  @Test
  void opportunisticTlsIsRefusedUnlessTheTlsClientAllowsItThroughDangerous() {
    assertThatThrownBy(() -> FtpClient.builder().tlsMode(TlsMode.OPPORTUNISTIC).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dangerous().allowOpportunisticTls()");
    TlsClient allowed = TlsClient.builder().dangerous().allowOpportunisticTls().build();
    assertThat(FtpClient.builder().tlsMode(TlsMode.OPPORTUNISTIC).client(allowed).build()).isNotNull();
  }

  @Test
  void activeDataConnectionsThroughAProxyAreRefusedNamingBoth() {
    TlsClient proxied = TlsClient.builder().proxy(ProxyConfig.socks5("127.0.0.1", 1080)).build();
    assertThatThrownBy(() -> FtpClient.builder().client(proxied).dataConnectionMode(DataConnectionMode.ACTIVE).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DataConnectionMode.ACTIVE").hasMessageContaining("socks5://127.0.0.1:1080");
    assertThat(FtpClient.builder().client(proxied).build()).isNotNull(); // passive goes through the proxy
  }

  @Test
  void bouncyCastleDataConnectionsNeedAContextBuiltFromThePolicy() throws Exception {
    SSLContext own = SSLContext.getInstance("TLS");
    own.init(null, null, null);
    FtpClient ftp = FtpClient.builder().client(TlsClient.builder().dangerous().sslContext(own).build())
        .dataTlsProvider(DataTlsProvider.BOUNCY_CASTLE).build();
    assertThatThrownBy(() -> ftp.connect("127.0.0.1", 1)) // refused before anything is dialled
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dangerous().sslContext");
  }
}
