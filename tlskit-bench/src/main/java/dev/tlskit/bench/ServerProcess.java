package dev.tlskit.bench;

import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.certs.Pem;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@link ServeMain} as a child JVM with this JVM's class path, so that its heap holds only the server side of
 * the connections a driver opens.
 */
final class ServerProcess implements Closeable {
  final Process process;
  final int port;
  final HeldCertificate ca;
  private final BufferedReader out;
  private final PrintWriter in;

  private ServerProcess(Process process, int port, HeldCertificate ca, BufferedReader out, PrintWriter in) {
    this.process = process;
    this.port = port;
    this.ca = ca;
    this.out = out;
    this.in = in;
  }

  /** Starts a server with a fresh EC P-256 key for "localhost" and 127.0.0.1, issued by a throwaway CA. */
  static ServerProcess start(String... jvmOptions) throws IOException {
    HeldCertificate ca = HeldCertificate.root("tlskit load CA");
    HeldCertificate leaf = HeldCertificate.leaf(ca, "localhost", "127.0.0.1");
    Path dir = Files.createTempDirectory("tlskit-load");
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Pem.writeCertificates(cert, leaf.chain());
    Pem.writePrivateKey(key, leaf.privateKey(), null);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(jvmOptions));
    String extra = System.getenv("LOAD_SERVER_JAVA_OPTS"); // e.g. -Xlog:gc:file=server-gc.log, to explain a tail
    if (extra != null && !extra.isBlank()) cmd.addAll(List.of(extra.trim().split("\\s+")));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ServeMain.class.getName(),
        cert.toString(), key.toString()));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String first = out.readLine();
    if (first == null || !first.startsWith("PORT ")) {
      p.destroyForcibly();
      throw new IOException("server process did not start: " + first);
    }
    return new ServerProcess(p, Integer.parseInt(first.substring(5).trim()), ca, out,
        new PrintWriter(p.getOutputStream(), true, StandardCharsets.UTF_8));
  }

  /** Returns {heap bytes used after a full GC, connections open} of the server. */
  long[] heap() throws IOException {
    in.println("heap");
    String line = out.readLine();
    if (line == null || !line.startsWith("HEAP ")) throw new IOException("server process answered: " + line);
    String[] f = line.split(" ");
    return new long[] {Long.parseLong(f[1]), Long.parseLong(f[3])};
  }

  /** Returns the resident set size of the server process in bytes (Linux), or -1. */
  long rss() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
        if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
      }
    } catch (IOException | RuntimeException ignored) {
      // not Linux
    }
    return -1;
  }

  @Override
  public void close() {
    in.println("quit");
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
