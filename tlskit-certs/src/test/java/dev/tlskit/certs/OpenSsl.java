package dev.tlskit.certs;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the real {@code openssl} binary (or another peer tool, such as GnuTLS's {@code certtool}) for interop tests,
 * with a bounded run time.
 */
final class OpenSsl {
  record Result(int exitCode, String output) {}

  private OpenSsl() {}

  /**
   * Skips the calling test when openssl is missing, or fails it when {@code -Dtlskit.requirePeers=true} (CI), as the
   * brief's rule on missing peers asks.
   */
  static void require() {
    require("openssl");
  }

  /** As {@link #require()}, for any program on the PATH. */
  static void require(String program) {
    boolean present = System.getenv().getOrDefault("PATH", "").isEmpty() ? false
        : java.util.Arrays.stream(System.getenv("PATH").split(File.pathSeparator))
            .anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    if (present) return;
    if (Boolean.getBoolean("tlskit.requirePeers")) fail(program + " is not installed (scripts/install-peers)");
    Assumptions.abort(program + " is not installed; skipping interop test");
  }

  /** Runs {@code openssl args...} in {@code dir} with extra environment variables; output is stdout+stderr. */
  static Result run(Path dir, Map<String, String> env, String... args) throws IOException, InterruptedException {
    return runProgram("openssl", dir, env, args);
  }

  /** Runs {@code program args...} in {@code dir} with extra environment variables; output is stdout+stderr. */
  static Result runProgram(String program, Path dir, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(program);
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().putAll(env);
    Path log = Files.createTempFile(dir, program, ".log");
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(program + " " + String.join(" ", args) + " did not finish in 30 s");
    }
    String out = Files.readString(log, StandardCharsets.ISO_8859_1);
    Files.delete(log);
    return new Result(p.exitValue(), out);
  }

  /** Runs openssl and fails the test, showing its output, unless it exits 0. */
  static String ok(Path dir, Map<String, String> env, String... args) throws IOException, InterruptedException {
    return okProgram("openssl", dir, env, args);
  }

  /** Runs {@code program} and fails the test, showing its output, unless it exits 0. */
  static String okProgram(String program, Path dir, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    Result r = runProgram(program, dir, env, args);
    if (r.exitCode() != 0) {
      fail(program + " " + String.join(" ", args) + " exited " + r.exitCode() + ":\n" + r.output());
    }
    return r.output();
  }
}
