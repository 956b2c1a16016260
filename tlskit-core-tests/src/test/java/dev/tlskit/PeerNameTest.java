package dev.tlskit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A peer name that cannot be verified is refused before anything is dialled or sent. */
class PeerNameTest {
  private final TlsClient client = TlsClient.builder().build();

  @ParameterizedTest
  @ValueSource(strings = {"", "  ", "mail.example.com\r\n", "mail example.com"})
  void anUnverifiableNameIsRefusedBeforeDialling(String name) throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listener.setSoTimeout(200);
      int port = listener.getLocalPort();
      assertThatThrownBy(() -> client.connectTls("127.0.0.1", port, name))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("peer name must not");
      assertThatThrownBy(() -> client.connectPlain("127.0.0.1", port, name))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("peer name must not");
      assertThatThrownBy(listener::accept).isInstanceOf(java.net.SocketTimeoutException.class); // nothing dialled
    }
  }

  @Test
  void secureRefusesAnEmptyNameOnASocketTheCallerConnected() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
      assertThatThrownBy(() -> client.secure(s, "")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("must not be empty");
    }
  }
}
