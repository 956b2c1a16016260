package dev.tlskit.nativetls;

import static dev.tlskit.nativetls.NativeHandshakeTest.NATIVE;
import static dev.tlskit.nativetls.NativeHandshakeTest.client;
import static dev.tlskit.nativetls.NativeStreamTest.jdkServerContext;
import static dev.tlskit.testing.AdapterPki.TRUST_ROOT;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsSecurityException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A TLS stream that a TCP FIN ends without close_notify is truncation on the native record layer exactly as on the
 * JDK's: at a record boundary, inside a record's header and inside its body, whether the native engine reads through
 * the socket channel ({@code connectTls}) or through a caller's socket's stream ({@code secure}). The client gets the
 * records before the cut, then {@link TlsConnection#truncated()} (or {@code TRUNCATED} from a client that asks to
 * fail), never a clean end. A relay between the client and a JDK server holds the server's last records back and
 * forwards only part of them before the FIN.
 */
class NativeTruncationTest {
  private static final int BIG = 20_000; // two records: the first (about 16 KiB), then the rest

  @ParameterizedTest(name = "{0}, {1}, cut {2} bytes into the last record")
  @CsvSource({
      "jdk, channel, 0", "jdk, channel, 3", "jdk, channel, 100", "jdk, stream, 0", "jdk, stream, 3",
      "jdk, stream, 100",
      "native, channel, 0", "native, channel, 3", "native, channel, 100", "native, stream, 0", "native, stream, 3",
      "native, stream, 100"})
  void aStreamCutWithoutCloseNotifyIsTruncationOnEitherEngine(String provider, String path, int partial)
      throws Exception {
    TlsClient lenient = client(provider.equals("native") ? NATIVE : TRUST_ROOT);
    for (boolean strict : new boolean[] {false, true}) {
      TlsClient c = lenient.toBuilder().failOnTruncation(strict).build();
      try (CuttingRelay relay = new CuttingRelay(partial);
          TlsConnection conn = path.equals("channel") ? c.connectTls("127.0.0.1", relay.port(), "localhost")
              : c.secure(new Socket(InetAddress.getLoopbackAddress(), relay.port()), "localhost")) {
        assertThat(conn.readLine(100)).isEqualTo("first");
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        if (strict) {
          assertThatThrownBy(() -> {
            for (int n; (n = conn.input().read(buf)) >= 0; ) got.write(buf, 0, n);
          }).isInstanceOfSatisfying(TlsSecurityException.class,
              e -> assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.TRUNCATED))
              .hasMessageContaining("the data may be truncated");
        } else {
          for (int n; (n = conn.input().read(buf)) >= 0; ) got.write(buf, 0, n);
          assertThat(conn.truncated()).as("truncated").isTrue();
        }
        assertThat(got.size()).as("the big write's first record, not its second").isBetween(BIG / 2, (1 << 14) - 1);
      }
    }
  }

  /**
   * Forwards one connection to a JDK TLS server that sends "first", then {@link #BIG} bytes, then close_notify. Once
   * the server has sent "first", the relay holds its records back until the server closes, then forwards those before
   * the second part of the big write and the first {@code partial} bytes of that one, drops the rest (the JDK's
   * closing alerts, user_canceled and close_notify), and ends the stream with a FIN.
   */
  private static final class CuttingRelay implements AutoCloseable {
    private final ServerSocket tlsListener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    private final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    private volatile boolean holding;
    private final CompletableFuture<Void> server;
    private final Thread thread;

    CuttingRelay(int partial) throws Exception {
      SSLContext jdk = jdkServerContext();
      server = CompletableFuture.runAsync(() -> {
        try (Socket raw = tlsListener.accept();
            SSLSocket ssl = (SSLSocket) jdk.getSocketFactory().createSocket(raw, null, raw.getPort(), true)) {
          raw.setSoTimeout(10_000);
          ssl.setUseClientMode(false);
          ssl.startHandshake();
          OutputStream out = ssl.getOutputStream();
          out.write("first\n".getBytes(US_ASCII));
          out.flush();
          holding = true; // from here on, records wait at the relay
          out.write(new byte[BIG]);
          out.flush();
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      thread = Thread.ofPlatform().daemon().start(() -> {
        try (Socket client = listener.accept();
            Socket toServer = new Socket(InetAddress.getLoopbackAddress(), tlsListener.getLocalPort())) {
          Thread up = Thread.ofPlatform().daemon().start(() -> {
            try {
              client.getInputStream().transferTo(toServer.getOutputStream());
            } catch (IOException ignored) {
              // a side closed
            }
          });
          InputStream in = toServer.getInputStream();
          OutputStream out = client.getOutputStream();
          List<byte[]> held = new ArrayList<>();
          for (byte[] r; (r = record(in)) != null; ) {
            if (holding) {
              held.add(r);
            } else {
              out.write(r);
              out.flush();
            }
          }
          int last = held.size() - 1; // the second part of the big write: the last record that is not an alert
          while (held.get(last).length < 5 + 100) last--;
          for (int i = 0; i < last; i++) out.write(held.get(i));
          out.write(held.get(last), 0, partial);
          out.flush();
          client.shutdownOutput(); // FIN, no close_notify
          up.join(10_000);
        } catch (IOException | InterruptedException ignored) {
          // the test ended
        }
      });
    }

    /** Reads one TLS record (header and body), or null at the end of the stream. */
    private static byte[] record(InputStream in) throws IOException {
      byte[] header = in.readNBytes(5);
      if (header.length < 5) return null;
      int length = (header[3] & 0xff) << 8 | header[4] & 0xff;
      byte[] r = new byte[5 + length];
      System.arraycopy(header, 0, r, 0, 5);
      if (in.readNBytes(r, 5, length) < length) return null;
      return r;
    }

    int port() {
      return listener.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      listener.close();
      tlsListener.close();
      thread.interrupt();
    }
  }
}
