package dev.tlskit.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@code tlskit serve ...} in-process on a thread, for tests; close() stops it like Ctrl-C would. */
final class ServeRunner implements AutoCloseable {
  private final StringWriter out = new StringWriter();
  private final Thread thread;
  private volatile int exitCode = -1;
  final int port;

  ServeRunner(String... args) throws InterruptedException {
    List<String> all = new ArrayList<>(List.of("serve", "--port", "0"));
    all.addAll(List.of(args));
    PrintWriter w = new PrintWriter(out, true);
    thread = Thread.ofPlatform().name("tlskit-serve-test").start(
        () -> exitCode = Main.run(all.toArray(String[]::new), w, w));
    port = Integer.parseInt(await("listening on 127\\.0\\.0\\.1:(\\d+)"));
  }

  /** Waits up to 20 s for the output to match {@code regex}; returns the first group or the match. */
  String await(String regex) throws InterruptedException {
    Pattern p = Pattern.compile(regex);
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      Matcher m = p.matcher(output());
      if (m.find()) return m.groupCount() > 0 ? m.group(1) : m.group();
      if (!thread.isAlive() && !p.matcher(output()).find()) {
        throw new AssertionError("tlskit serve exited with " + exitCode + ":\n" + output());
      }
      if (System.nanoTime() > end) throw new AssertionError("no /" + regex + "/ in:\n" + output());
      Thread.sleep(20);
    }
  }

  String output() {
    synchronized (out) {
      return out.toString();
    }
  }

  /** Returns the single .eml file in {@code spool}, waiting for it to appear. */
  static Path onlyMessage(Path spool) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < end) {
      try (var s = Files.list(spool)) {
        List<Path> eml = s.filter(f -> f.toString().endsWith(".eml")).toList();
        if (eml.size() == 1) return eml.get(0);
        if (eml.size() > 1) throw new AssertionError("more than one message: " + eml);
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no message spooled in " + spool);
  }

  @Override
  public void close() {
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(15));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
