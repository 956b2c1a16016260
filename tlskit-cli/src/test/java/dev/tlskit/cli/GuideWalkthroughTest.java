package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the shell commands of section 1 of docs/guide.md (the first session a new user tries) in-process, as written
 * there except for three substitutions: the temp directory for /tmp/tk, a free port for 8587, and the test's
 * password variable for ALICE_P12. The server runs with ServeRunner; {@code printf ... |} is dropped and
 * {@code --no-relay} added, as stdin cannot be fed to an in-process command.
 */
class GuideWalkthroughTest {
  private static final Path GUIDE = Path.of("").toAbsolutePath().resolveSibling("docs").resolve("guide.md");
  private static final Pattern SH = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL);

  @TempDir Path dir;

  /** Returns the commands of section 1, continuation lines joined. */
  static List<String> sectionOneCommands() throws Exception {
    String guide = Files.readString(GUIDE);
    int start = guide.indexOf("## 1. ");
    String section = guide.substring(start, guide.indexOf("\n## 2. ", start));
    List<String> commands = new ArrayList<>();
    Matcher m = SH.matcher(section);
    while (m.find()) {
      for (String c : m.group(1).replaceAll("\\\\\\n\\s*", "").split("\\n")) {
        if (!c.isBlank()) commands.add(c.strip());
      }
    }
    return commands;
  }

  private String[] args(String command, int port) {
    String c = command.replace("/tmp/tk", dir.toString()).replace("8587", String.valueOf(port))
        .replace("ALICE_P12", "TLSKIT_TEST_PASSWORD");
    boolean piped = c.startsWith("printf ");
    if (piped) c = c.substring(c.indexOf("| ") + 2) + " --no-relay";
    assertThat(c).as("a tlskit command").startsWith("./tlskit ");
    return c.substring("./tlskit ".length()).split("\\s+");
  }

  private static String run(String[] args) {
    StringWriter out = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(out, true));
    assertThat(code).as("exit code of tlskit %s:%n%s", String.join(" ", args), out).isZero();
    return out.toString();
  }

  @Test
  void theFirstSessionOfTheGuideWorksAsWritten() throws Exception {
    List<String> commands = sectionOneCommands();
    assertThat(commands).anyMatch(c -> c.startsWith("./tlskit serve")).anyMatch(c -> c.contains("connect"));
    ServeRunner server = null;
    List<String> connectOutputs = new ArrayList<>();
    try {
      for (String command : commands) {
        if (command.startsWith("export ")) continue; // the test JVM has TLSKIT_TEST_PASSWORD instead
        if (command.startsWith("./tlskit serve")) {
          List<String> a = new ArrayList<>(List.of(args(command, 0)));
          int p = a.indexOf("--port");
          a.remove(p + 1);
          a.remove(p);
          server = new ServeRunner(a.subList(1, a.size()).toArray(String[]::new));
          continue;
        }
        String out = run(args(command, server == null ? 0 : server.port));
        if (command.contains(" connect ")) connectOutputs.add(out);
      }
      assertThat(connectOutputs).hasSize(2).allSatisfy(o -> assertThat(o)
          .contains("S: 220 2.0.0 Ready to start TLS").contains("Our cert:      CN=alice")
          .contains("Validation: TRUSTED for localhost"));
      assertThat(server).isNotNull();
      assertThat(server.output()).contains("client certificate need").contains("client=CN=alice");
      assertThat(Files.readString(ServeRunner.onlyMessage(dir.resolve("spool")))).contains("Subject: Hi");
    } finally {
      if (server != null) server.close();
    }
  }
}
