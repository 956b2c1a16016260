package dev.tlskit;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A small SOCKS5 or HTTP CONNECT proxy on loopback for tests; records the targets and credentials it saw. */
final class TestProxy implements AutoCloseable {
  private final ServerSocket server;
  private final boolean socks;
  private final String requiredUser;
  private final String requiredPassword;
  final List<String> targets = new CopyOnWriteArrayList<>();
  final List<Throwable> errors = new CopyOnWriteArrayList<>();

  TestProxy(boolean socks, String user, String password) throws IOException {
    this.socks = socks;
    this.requiredUser = user;
    this.requiredPassword = password;
    this.server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          Thread.ofVirtual().start(() -> serve(s));
        } catch (IOException e) {
          return;
        }
      }
    });
  }

  int port() {
    return server.getLocalPort();
  }

  private void serve(Socket client) {
    try (client) {
      client.setSoTimeout(20_000);
      String[] target = socks ? socks(client) : connect(client);
      if (target == null) return;
      targets.add(target[0] + ":" + target[1]);
      try (Socket upstream = new Socket(target[0], Integer.parseInt(target[1]))) {
        Thread t = Thread.ofVirtual().start(() -> pump(upstream, client));
        pump(client, upstream);
        t.join(5000);
      }
    } catch (Exception e) {
      errors.add(e);
    }
  }

  private static void pump(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
      to.shutdownOutput();
    } catch (IOException ignored) {
      // one side closed
    }
  }

  private String[] socks(Socket s) throws IOException {
    DataInputStream in = new DataInputStream(s.getInputStream());
    OutputStream out = s.getOutputStream();
    if (in.readUnsignedByte() != 5) return null;
    byte[] methods = in.readNBytes(in.readUnsignedByte());
    int wanted = requiredUser == null ? 0 : 2;
    boolean offered = false;
    for (byte m : methods) offered |= m == wanted;
    if (!offered) {
      out.write(new byte[] {5, (byte) 0xff});
      return null;
    }
    out.write(new byte[] {5, (byte) wanted});
    if (wanted == 2) {
      in.readUnsignedByte();
      String u = new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.UTF_8);
      String p = new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.UTF_8);
      boolean ok = u.equals(requiredUser) && p.equals(requiredPassword);
      out.write(new byte[] {1, (byte) (ok ? 0 : 1)});
      if (!ok) return null;
    }
    in.readUnsignedByte();
    in.readUnsignedByte();
    in.readUnsignedByte();
    int atyp = in.readUnsignedByte();
    String host = switch (atyp) {
      case 1 -> InetAddress.getByAddress(in.readNBytes(4)).getHostAddress();
      case 4 -> InetAddress.getByAddress(in.readNBytes(16)).getHostAddress();
      default -> new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.US_ASCII);
    };
    int port = in.readUnsignedShort();
    out.write(new byte[] {5, 0, 0, 1, 127, 0, 0, 1, 0, 0});
    return new String[] {host, String.valueOf(port)};
  }

  private String[] connect(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) return null;
      head.write(b);
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    String[] request = lines[0].split(" ");
    OutputStream out = s.getOutputStream();
    if (requiredUser != null) {
      String expected = "Proxy-Authorization: Basic " + Base64.getEncoder().encodeToString(
          (requiredUser + ":" + requiredPassword).getBytes(StandardCharsets.UTF_8));
      if (!List.of(lines).contains(expected)) {
        out.write("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return null;
      }
    }
    out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    String authority = request[1];
    int colon = authority.lastIndexOf(':');
    return new String[] {authority.substring(0, colon), authority.substring(colon + 1)};
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
