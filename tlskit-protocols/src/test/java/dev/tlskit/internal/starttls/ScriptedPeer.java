package dev.tlskit.internal.starttls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback server that plays one transcript to one client: "S: text" lines are sent (consecutive ones in a single
 * write, so they reach the client in one segment), "HEX: 15 03 ..." bytes are sent as they are (no line end), "C: text"
 * lines are waited for; {@code {tag}} in a "C:" line matches (and remembers) the client's random IMAP tag, and in an
 * "S:" line is replaced by it. Every line the client sends is recorded, whether the script expected it or not, until
 * the client closes.
 */
public final class ScriptedPeer implements AutoCloseable {
  private final ServerSocket server;
  private final List<String> received = new CopyOnWriteArrayList<>();
  private final List<String> mismatches = new CopyOnWriteArrayList<>();
  private final CountDownLatch done = new CountDownLatch(1);
  private String tag = "";

  /** Starts the peer on 127.0.0.1; it serves one connection. */
  public ScriptedPeer(String... script) throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(() -> {
      try (Socket s = server.accept()) {
        s.setSoTimeout(10_000);
        play(s, List.of(script));
      } catch (IOException ignored) {
        // the client closed or the test ended: the client side decides the test
      } finally {
        done.countDown();
      }
    });
  }

  private void play(Socket s, List<String> script) throws IOException {
    InputStream in = s.getInputStream();
    OutputStream out = s.getOutputStream();
    ByteArrayOutputStream pending = new ByteArrayOutputStream();
    for (String step : script) {
      if (step.startsWith("S: ")) {
        pending.writeBytes((step.substring(3).replace("{tag}", tag) + "\r\n").getBytes(StandardCharsets.UTF_8));
        continue;
      }
      if (step.startsWith("HEX: ")) { // raw bytes, no line end: "HEX: 15 03 03 00 02 02 28"
        pending.writeBytes(java.util.HexFormat.ofDelimiter(" ").parseHex(step.substring(5)));
        continue;
      }
      if (!step.startsWith("C: ")) throw new IllegalArgumentException("script step must start with S: or C: " + step);
      out.write(pending.toByteArray());
      out.flush();
      pending.reset();
      String line = readLine(in);
      if (line == null) return;
      received.add(line);
      if (!matches(step.substring(3), line)) mismatches.add("expected " + step + ", got " + line);
    }
    out.write(pending.toByteArray());
    out.flush();
    for (String line = readLine(in); line != null; line = readLine(in)) received.add(line);
  }

  /** Returns true when {@code line} is {@code expected}, a "{tag}" in it standing for any IMAP tag (remembered). */
  private boolean matches(String expected, String line) {
    if (!expected.contains("{tag}")) return line.equals(expected);
    String regex = Pattern.quote(expected).replace("{tag}", "\\E([A-Za-z0-9]{4,16})\\Q");
    Matcher m = Pattern.compile(regex).matcher(line);
    if (!m.matches()) return false;
    tag = m.group(1);
    return true;
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') b.write(c);
    if (c < 0 && b.size() == 0) return null;
    String s = b.toString(StandardCharsets.UTF_8);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Returns every line the client sent, once it has closed (waits up to ten seconds for that). */
  public List<String> received() throws InterruptedException {
    done.await(10, TimeUnit.SECONDS);
    return List.copyOf(received);
  }

  /** Returns the lines that differed from the script's "C:" steps. */
  public List<String> mismatches() throws InterruptedException {
    done.await(10, TimeUnit.SECONDS);
    return List.copyOf(mismatches);
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
