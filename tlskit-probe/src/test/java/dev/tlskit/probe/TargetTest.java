package dev.tlskit.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Where a probe connects, and that every probe connection is dialled by core's one dialler. */
class TargetTest {
  @Test
  void implicitTlsIsDialledByCoresDialerLikeTheStarttlsPreamble() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Target implicit = new Target("127.0.0.1", port, "localhost", null, Duration.ofSeconds(2));
    Target explicit = new Target("127.0.0.1", port, "localhost", Starttls.SMTP, Duration.ofSeconds(2));

    ConnectException direct = catchThrowableOfType(ConnectException.class, implicit::dial);
    ConnectException preamble = catchThrowableOfType(ConnectException.class, () -> Starttls.Lines.dial(explicit));

    // the dialler names every address it tried; both paths fail in the same words
    assertThat(direct).hasMessageStartingWith("cannot connect to 127.0.0.1:" + port + " (127.0.0.1: ");
    assertThat(direct).hasMessage(preamble.getMessage());
  }

  @Test
  void addressBracketsIpv6Literals() {
    assertThat(new Target("::1", 443, "::1", null, Duration.ofSeconds(1)).address()).isEqualTo("[::1]:443");
    assertThat(new Target("example.com", 25, "example.com", Starttls.SMTP, Duration.ofSeconds(1)).address())
        .isEqualTo("example.com:25");
  }
}
