package dev.tlskit.testpeer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * GNU SASL's server ({@code gsasl --server}, 2.2), the SCRAM-SHA-256-PLUS peer of the tests, behind an IMAP front
 * with implicit TLS ({@code gsasl-imap.js} on Node.js): gsasl checks the proof and the tls-exporter binding of the
 * client's own TLS session; the front only carries the lines. One gsasl process per AUTHENTICATE, its verdict logged.
 */
public final class GsaslImapServer implements AutoCloseable {
  public static final String GSASL = "/usr/bin/gsasl";
  public static final String NODE = "/usr/bin/node";

  public final int port;
  private final Path log;
  private final Process front;

  private GsaslImapServer(int port, Path log, Process front) {
    this.port = port;
    this.log = log;
    this.front = front;
  }

  /**
   * Starts a front on a free loopback port that announces {@code mechanisms} (AUTH=...) and accepts
   * {@code password} for any user; {@code maxTls} caps the TLS version ("TLSv1.2"), null for TLS 1.3.
   */
  public static GsaslImapServer start(Path dir, String password, List<String> mechanisms, String maxTls)
      throws IOException {
    Peers.require("gsasl (GNU SASL)", GSASL);
    Peers.require("node (Node.js)", NODE);
    TestPki pki = TestPki.get();
    Path log = Files.createTempFile(dir, "gsasl", ".log");
    List<String> cmd = new ArrayList<>(List.of(NODE, script(dir).toString(), pki.certPem.toString(),
        pki.keyPem.toString(), password, log.toString(), String.join(",", mechanisms)));
    if (maxTls != null) cmd.add(maxTls);
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String first;
    try {
      first = CompletableFuture.supplyAsync(() -> {
        try {
          return out.readLine();
        } catch (IOException e) {
          return null;
        }
      }).get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      first = null;
    }
    if (first == null || !first.startsWith("PORT ")) {
      Peers.stop(p);
      throw new IOException("the gsasl IMAP front did not start: " + first);
    }
    return new GsaslImapServer(Integer.parseInt(first.substring(5).trim()), log, p);
  }

  /** Writes the front's script into {@code dir}: it may sit inside a jar (the protocols test jar other modules use). */
  private static Path script(Path dir) throws IOException {
    try (InputStream in = GsaslImapServer.class.getResourceAsStream("gsasl-imap.js")) {
      if (in == null) throw new IllegalStateException("gsasl-imap.js is not on the class path");
      Path script = Files.createTempFile(dir, "gsasl-imap", ".js");
      Files.write(script, in.readAllBytes());
      return script;
    }
  }

  /** Waits up to 10 seconds for gsasl's verdict on the next AUTHENTICATE: the log's lines so far. */
  public List<String> awaitVerdicts(int count) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    List<String> lines = Files.readAllLines(log);
    while (lines.size() < count) {
      if (System.nanoTime() > deadline) throw new AssertionError("gsasl gave " + lines.size() + " of " + count
          + " verdicts: " + lines);
      Thread.sleep(50);
      lines = Files.readAllLines(log);
    }
    return lines;
  }

  @Override
  public void close() {
    Peers.stop(front);
  }
}
