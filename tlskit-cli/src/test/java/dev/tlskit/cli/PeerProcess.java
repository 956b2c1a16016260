package dev.tlskit.cli;

import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real peer program (openssl, swaks, curl, ...) run as a child process, its output collected for assertions. */
final class PeerProcess implements AutoCloseable {
  private final Process process;
  private final StringBuffer output = new StringBuffer();
  private final Thread reader;

  private PeerProcess(List<String> command, Path workDir) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (workDir != null) pb.directory(workDir.toFile());
    process = pb.start();
    reader = Thread.ofVirtual().start(() -> {
      try (InputStream in = process.getInputStream()) {
        byte[] buf = new byte[4096];
        int n;
        while ((n = in.read(buf)) > 0) output.append(new String(buf, 0, n, StandardCharsets.UTF_8));
      } catch (IOException ignored) {
        // process gone
      }
    });
  }

  /** Starts {@code command}; skips the test when its program is missing (fails under tlskit.requirePeers). */
  static PeerProcess start(Path workDir, String... command) throws IOException {
    require(command[0]);
    return new PeerProcess(List.of(command), workDir);
  }

  /** Skips the test when {@code program} is not installed, unless tlskit.requirePeers is true. */
  static void require(String program) {
    boolean present = Files.isExecutable(Path.of(program))
        || List.of("/usr/bin/", "/usr/local/bin/", "/bin/").stream().anyMatch(d -> Files.isExecutable(Path.of(d + program)));
    if (!present && Boolean.getBoolean("tlskit.requirePeers")) throw new AssertionError(program + " is missing");
    assumeThat(present).as(program + " installed").isTrue();
  }

  /** Runs {@code command} to completion (bounded by {@code timeout}) and returns its exit code and output. */
  static Result run(Duration timeout, Path workDir, String... command) throws Exception {
    try (PeerProcess p = start(workDir, command)) {
      p.closeInput();
      int code = p.waitFor(timeout);
      return new Result(code, p.output());
    }
  }

  record Result(int code, String output) {}

  void send(String text) throws IOException {
    OutputStream in = process.getOutputStream();
    in.write(text.getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  void closeInput() throws IOException {
    process.getOutputStream().close();
  }

  /** Waits until the output matches {@code regex}; returns the match's first group (or the whole match). */
  String await(String regex, Duration timeout) throws InterruptedException {
    Pattern p = Pattern.compile(regex);
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      Matcher m = p.matcher(output);
      if (m.find()) return m.groupCount() > 0 ? m.group(1) : m.group();
      if (System.nanoTime() > end) {
        throw new AssertionError("no output matching /" + regex + "/ within " + timeout + "; got:\n" + output);
      }
      Thread.sleep(20);
    }
  }

  /** Waits for the process to exit and returns its code; kills it and fails after {@code timeout}. */
  int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("process did not finish within " + timeout + "; output:\n" + output);
    }
    reader.join(Duration.ofSeconds(5));
    return process.exitValue();
  }

  String output() {
    return output.toString();
  }

  @Override
  public void close() {
    dev.tlskit.testpeer.Peers.stop(process);
  }
}
