package dev.tlskit.testpeer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A one-connection loopback server that plays a script and records every byte the client sent, split into what
 * came before and after its TLS switch. Script steps:
 *
 * <ul>
 *   <li>{@code "S: text"} sends {@code text} and CRLF in one write (embed {@code \r\n} to put several replies in one
 *       segment); {@code {tag}} is replaced by the last tag the client used;
 *   <li>{@code "C: text"} reads one CRLF-terminated line and requires it to equal {@code text}; a {@code {tag}} in
 *       it matches (and remembers) the client's random IMAP tag, {@code {port}} is this peer's port, and a line
 *       ending in {@code {base64:TEXT}} wants TEXT there in base64 (SASL responses that name the port);
 *   <li>{@code "TLS"} performs the server side of a TLS handshake on the same socket;
 *   <li>{@code "RAW: text"} sends {@code text} without CRLF; {@code "HEX: 15 03 03"} sends those bytes;
 *       {@code "SLEEP ms"} pauses;
 *   <li>{@code "CLOSE"} closes the connection at once.
 * </ul>
 *
 * After the last step the peer records whatever else the client sends until it closes. It reads plaintext one byte
 * at a time, so it never consumes bytes that belong to the handshake.
 */
public final class ScriptedPeer implements AutoCloseable {
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9]{4,16}");

  private final ServerSocket server;
  private final SSLContext tls;
  private final boolean implicit;
  private final List<String> script;
  private final ByteArrayOutputStream plain = new ByteArrayOutputStream();
  private final ByteArrayOutputStream secure = new ByteArrayOutputStream();
  private final List<String> errors = new ArrayList<>();
  private final Thread thread;
  private volatile boolean tlsActive;
  private String tag = "";

  private ScriptedPeer(SSLContext tls, boolean implicit, List<String> script) throws IOException {
    this.server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    this.tls = tls;
    this.implicit = implicit;
    this.script = List.copyOf(script);
    this.thread = Thread.ofVirtual().name("scripted-peer").start(this::serve);
  }

  /** Starts a plaintext peer (it may switch to TLS with a "TLS" step, given a server context). */
  public static ScriptedPeer plain(SSLContext tls, String... script) throws IOException {
    return new ScriptedPeer(tls, false, List.of(script));
  }

  /** Starts a plaintext peer without TLS. */
  public static ScriptedPeer plain(String... script) throws IOException {
    return new ScriptedPeer(null, false, List.of(script));
  }

  /** Starts a peer that speaks TLS from the first byte. */
  public static ScriptedPeer implicitTls(SSLContext tls, String... script) throws IOException {
    return new ScriptedPeer(tls, true, List.of(script));
  }

  public int port() {
    return server.getLocalPort();
  }

  private String expand(String want) {
    want = want.replace("{port}", String.valueOf(port()));
    int i = want.indexOf("{base64:");
    if (i < 0 || !want.endsWith("}")) return want;
    return want.substring(0, i) + java.util.Base64.getEncoder()
        .encodeToString(want.substring(i + 8, want.length() - 1).getBytes(StandardCharsets.UTF_8));
  }

  private void serve() {
    try (Socket raw = server.accept()) {
      raw.setSoTimeout(10_000);
      Socket s = raw;
      if (implicit) s = handshake(raw);
      for (String step : script) {
        if (step.equals("TLS")) {
          s = handshake(s);
        } else if (step.equals("CLOSE")) {
          return;
        } else if (step.startsWith("SLEEP ")) {
          Thread.sleep(Long.parseLong(step.substring(6)));
        } else if (step.startsWith("HEX: ")) {
          s.getOutputStream().write(java.util.HexFormat.ofDelimiter(" ").parseHex(step.substring(5)));
          s.getOutputStream().flush();
        } else if (step.startsWith("RAW: ")) {
          s.getOutputStream().write(step.substring(5).getBytes(StandardCharsets.UTF_8));
          s.getOutputStream().flush();
        } else if (step.startsWith("S: ")) {
          OutputStream out = s.getOutputStream();
          out.write((step.substring(3).replace("{tag}", tag) + "\r\n").getBytes(StandardCharsets.UTF_8));
          out.flush();
        } else if (step.startsWith("C: ")) {
          String want = expand(step.substring(3));
          String got = readLine(s.getInputStream());
          if (got == null) {
            fail("client closed; expected " + want);
            return;
          }
          if (!matches(want, got)) {
            fail("expected \"" + want + "\" but client sent \"" + got + "\"");
            return;
          }
        } else {
          throw new IllegalArgumentException("bad script step: " + step);
        }
      }
      InputStream in = s.getInputStream();
      ByteArrayOutputStream extra = new ByteArrayOutputStream();
      try {
        for (int b; (b = in.read()) >= 0; ) { // the rest, until the client closes
          record(b);
          extra.write(b);
        }
      } catch (SocketTimeoutException e) {
        fail("client neither closed nor spoke after the script ended");
      }
      if (extra.size() > 0) fail("client sent more than the script: " + extra.toString(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      if (!server.isClosed()) synchronized (errors) { errors.add("peer I/O: " + e); }
    }
  }

  private boolean matches(String want, String got) {
    if (!want.contains("{tag}")) return want.equals(got);
    int at = want.indexOf("{tag}");
    if (!got.startsWith(want.substring(0, at))) return false;
    Matcher m = TAG.matcher(got).region(at, got.length());
    if (!m.lookingAt()) return false;
    tag = m.group();
    return want.replace("{tag}", tag).equals(got);
  }

  private Socket handshake(Socket s) throws IOException {
    SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(s, null, s.getPort(), true);
    ssl.setUseClientMode(false);
    tlsActive = true;
    ssl.startHandshake();
    return ssl;
  }

  /** Reads one line; it must end in CRLF, else the step fails. */
  private String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) return null;
      record(b);
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        if (bytes.length == 0 || bytes[bytes.length - 1] != '\r') {
          fail("line not ended by CRLF: " + new String(bytes, StandardCharsets.UTF_8));
          return new String(bytes, StandardCharsets.UTF_8);
        }
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
      }
      line.write(b);
    }
  }

  private void record(int b) {
    synchronized (plain) {
      (tlsActive ? secure : plain).write(b);
    }
  }

  private void fail(String message) {
    synchronized (errors) {
      errors.add(message);
    }
  }

  /** Waits for the script to finish (the client must have closed) and returns the problems seen. */
  public List<String> finish() throws InterruptedException {
    if (!thread.join(java.time.Duration.ofSeconds(15))) fail("peer still running after 15 s");
    synchronized (errors) {
      return List.copyOf(errors);
    }
  }

  /** Returns everything the client sent before the TLS switch (all of it, for a plaintext session). */
  public String plaintextFromClient() {
    synchronized (plain) {
      return plain.toString(StandardCharsets.UTF_8);
    }
  }

  /** Returns everything the client sent inside TLS. */
  public String tlsFromClient() {
    synchronized (plain) {
      return secure.toString(StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
