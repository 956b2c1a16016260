package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class MainTest {
  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void versionPrintsTheProjectVersionAndJava() {
    Result r = run("--version");
    assertThat(r.code()).isZero();
    assertThat(r.out()).containsPattern("tlskit \\d+\\.\\d+\\.\\d+").contains("Java ");
  }

  @Test
  void unknownCommandIsAUsageError() {
    Result r = run("no-such-command");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("no-such-command").contains("--help");
  }

  @Test
  void helpListsTheExitCodes() {
    Result r = run("--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("3  security failure");
  }
}
