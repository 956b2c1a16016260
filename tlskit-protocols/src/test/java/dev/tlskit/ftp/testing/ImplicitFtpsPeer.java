package dev.tlskit.ftp.testing;

import dev.tlskit.testpeer.TestPki;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * An implicit-FTPS peer on loopback: the test PKI's leaf on the control connection, one passive data port (EPSV)
 * whose connections a {@link DataHandler} serves for RETR, STOR, LIST and NLST, then a chosen final reply. Every other
 * command gets a positive answer (SIZE too, so the client takes the size as unknown).
 */
public final class ImplicitFtpsPeer implements AutoCloseable {
  /** Serves one data connection, after the 150 reply. */
  @FunctionalInterface
  public interface DataHandler {
    void serve(Socket data, ImplicitFtpsPeer peer) throws Exception;
  }

  /** Sends "file body". */
  public static final DataHandler SEND_FILE =
      (d, peer) -> d.getOutputStream().write("file body".getBytes(StandardCharsets.US_ASCII));
  /** Closes the data connection at once. */
  public static final DataHandler CLOSE = (d, peer) -> { };
  /** Neither reads nor writes for 3 s (or until the peer is closed), then closes: a server that stalls. */
  public static final DataHandler STALL = (d, peer) -> peer.awaitClosed(3);

  /** How {@link #cutting} ends a data connection. */
  public enum End {
    /** close_notify, then the TCP close: a complete transfer. */
    CLEAN,
    /** TCP FIN under the TLS layer, no close_notify: a truncation. */
    FIN,
    /** TCP RST under the TLS layer. */
    RESET,
    /** Neither sends nor closes until the peer is closed. */
    STALL
  }

  /**
   * Returns a peer whose data connections this layers TLS 1.3 over, on the raw socket, so it can end them under the
   * TLS layer: sends {@code body} (all of it for {@link End#CLEAN}, else its first {@code min(sent, length - 1)}
   * bytes, never all), ends as told, then answers 226 whatever happened, as a server whose data connection a man in
   * the middle cut would.
   */
  public static ImplicitFtpsPeer cutting(TestPki pki, End end, byte[] body, int sent) throws Exception {
    DataHandler serve = (raw, peer) -> {
      SSLSocket ssl = (SSLSocket) pki.serverContext().getSocketFactory().createSocket(raw, null, raw.getPort(), false);
      ssl.setUseClientMode(false);
      ssl.setEnabledProtocols(new String[] {"TLSv1.3"});
      ssl.startHandshake();
      OutputStream o = ssl.getOutputStream();
      o.write(body, 0, end == End.CLEAN ? body.length : Math.min(sent, body.length - 1));
      o.flush();
      switch (end) {
        case CLEAN -> ssl.close(); // close_notify; the peer closes the socket after
        case FIN -> finWithoutCloseNotify(raw);
        case RESET -> {
          raw.setSoLinger(true, 0);
          raw.close(); // RST
        }
        case STALL -> peer.awaitClosed(20);
      }
    };
    return new ImplicitFtpsPeer(pki, null, serve, "226 Transfer complete");
  }

  /** FIN under the TLS layer, then waits for the client to close its end. */
  private static void finWithoutCloseNotify(Socket raw) throws IOException {
    raw.shutdownOutput();
    try {
      while (raw.getInputStream().read(new byte[4096]) >= 0) {
        // the client's alert, if any
      }
    } catch (IOException ignored) {
      // the client reset
    }
  }

  private final ServerSocket control;
  private final ServerSocket data;
  private final DataHandler handler;
  private final String afterData;
  private final CountDownLatch closed = new CountDownLatch(1);

  /**
   * @param pki the PKI whose leaf the control connection presents
   * @param dataContext the context of protected data connections, or null for plain data sockets
   * @param handler what each data connection gets
   * @param afterData the final reply after the data connection
   */
  public ImplicitFtpsPeer(TestPki pki, SSLContext dataContext, DataHandler handler, String afterData) throws Exception {
    InetAddress lo = InetAddress.getLoopbackAddress();
    control = pki.serverContext().getServerSocketFactory().createServerSocket(0, 1, lo);
    data = dataContext == null ? new ServerSocket(0, 1, lo)
        : dataContext.getServerSocketFactory().createServerSocket(0, 1, lo);
    this.handler = handler;
    this.afterData = afterData;
    Thread.ofVirtual().start(this::serve);
  }

  public int port() {
    return control.getLocalPort();
  }

  /** Waits at most {@code seconds} for this peer to be closed: what a handler of a server that stalls does. */
  public void awaitClosed(long seconds) throws InterruptedException {
    closed.await(seconds, TimeUnit.SECONDS);
  }

  private void serve() {
    try (Socket s = control.accept()) {
      s.setSoTimeout(60_000);
      OutputStream out = s.getOutputStream();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      send(out, "220 scripted ftps");
      String line;
      while ((line = in.readLine()) != null) {
        String verb = line.split(" ")[0];
        switch (verb) {
          case "USER" -> send(out, "331 password");
          case "PASS" -> send(out, "230 in");
          case "FEAT" -> send(out, "502 no");
          case "EPSV" -> send(out, "229 Entering Extended Passive Mode (|||" + data.getLocalPort() + "|)");
          case "RETR", "STOR", "LIST", "NLST" -> {
            send(out, "150 data");
            try (Socket d = data.accept()) {
              d.setSoTimeout(60_000);
              handler.serve(d, this);
            } catch (Exception e) {
              // the client may refuse or abandon the data connection: the control connection goes on
            }
            send(out, afterData);
          }
          case "QUIT" -> {
            send(out, "221 bye");
            return;
          }
          default -> send(out, "200 ok");
        }
      }
    } catch (Exception ignored) {
      // the test asserts on the client side
    }
  }

  private static void send(OutputStream out, String reply) throws IOException {
    out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Override
  public void close() throws Exception {
    closed.countDown();
    control.close();
    data.close();
  }
}
