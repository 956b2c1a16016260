package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the shell commands of section 1 of docs/guide.md (the first session a new user tries) in-process, as written
 * there except for these substitutions: the temp directory for /tmp/tk, free ports for 8587, 8525 and 8599, and the
 * test's password variable for ALICE_P12. The server runs with ServeRunner; {@code printf ... |} is dropped and
 * {@code --no-relay} added, as stdin cannot be fed to an in-process command. A trailing {@code # ... exit N} comment
 * is the exit status the guide promises (0 without one). The Python stand-in for a server without STARTTLS runs as
 * the guide writes it, as a child process.
 */
class GuideWalkthroughTest {
  private static final Path GUIDE = Path.of("").toAbsolutePath().resolveSibling("docs").resolve("guide.md");
  private static final Pattern SH = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern EXIT = Pattern.compile("#.*\\bexit (\\d)\\s*$");
  /** The port of the guide's plaintext SMTP server without STARTTLS. */
  private static final String PLAIN_PORT = "8525";

  @TempDir Path dir;

  /** Returns the commands of section 1, continuation lines joined; a python3 block is one command. */
  static List<String> sectionOneCommands() throws Exception {
    String guide = Files.readString(GUIDE);
    int start = guide.indexOf("## 1. ");
    String section = guide.substring(start, guide.indexOf("\n## 2. ", start));
    List<String> commands = new ArrayList<>();
    Matcher m = SH.matcher(section);
    while (m.find()) {
      if (m.group(1).startsWith("python3 ")) {
        commands.add(m.group(1).strip());
        continue;
      }
      for (String c : m.group(1).replaceAll("\\\\\\n\\s*", "").split("\\n")) {
        if (!c.isBlank()) commands.add(c.strip());
      }
    }
    return commands;
  }

  /** Returns the exit status the guide's comment promises for {@code command}, 0 without one. */
  static int expectedExit(String command) {
    Matcher m = EXIT.matcher(command);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  private String[] args(String command, Map<String, Integer> ports) {
    String c = command.replaceAll("\\s+#.*$", "").replace("/tmp/tk", dir.toString())
        .replace("ALICE_P12", "TLSKIT_TEST_PASSWORD");
    for (Map.Entry<String, Integer> p : ports.entrySet()) c = c.replace(":" + p.getKey(), ":" + p.getValue());
    boolean piped = c.startsWith("printf ");
    if (piped) c = c.substring(c.indexOf("| ") + 2) + " --no-relay";
    assertThat(c).as("a tlskit command").startsWith("./tlskit ");
    return c.substring("./tlskit ".length()).split("\\s+");
  }

  private static String run(String[] args, int expected) {
    StringWriter out = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(out, true));
    assertThat(code).as("exit code of tlskit %s:%n%s", String.join(" ", args), out).isEqualTo(expected);
    return out.toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void theFirstSessionOfTheGuideWorksAsWritten() throws Exception {
    List<String> commands = sectionOneCommands();
    assertThat(commands).anyMatch(c -> c.startsWith("./tlskit serve")).anyMatch(c -> c.contains("connect"));
    ServeRunner server = null;
    List<String> connectOutputs = new ArrayList<>();
    Map<String, String> failures = new LinkedHashMap<>(); // the guide's comment -> output
    try {
      for (String command : commands) {
        if (command.startsWith("export ")) continue; // the test JVM has TLSKIT_TEST_PASSWORD instead
        if (command.startsWith("python3 ") || command.contains(":" + PLAIN_PORT)) continue; // the next test
        if (command.startsWith("./tlskit serve")) {
          List<String> a = new ArrayList<>(List.of(args(command, Map.of())));
          int p = a.indexOf("--port");
          a.remove(p + 1);
          a.remove(p);
          server = new ServeRunner(a.subList(1, a.size()).toArray(String[]::new));
          continue;
        }
        Map<String, Integer> ports = Map.of("8587", server == null ? 0 : server.port, "8599", freePort());
        String out = run(args(command, ports), expectedExit(command));
        if (expectedExit(command) != 0) {
          failures.put(command.substring(command.lastIndexOf('#') + 1).strip(), out);
        } else if (command.contains(" connect ")) {
          connectOutputs.add(out);
        }
      }
      assertThat(connectOutputs).hasSize(2).allSatisfy(o -> assertThat(o)
          .contains("S: 220 2.0.0 Ready to start TLS").contains("Our cert:      CN=alice")
          .contains("Validation: TRUSTED for localhost"));
      assertThat(server).isNotNull();
      assertThat(server.output()).contains("client certificate need").contains("client=CN=alice");
      assertThat(Files.readString(ServeRunner.onlyMessage(dir.resolve("spool")))).contains("Subject: Hi");
      // What the guide's table says each failure prints.
      assertThat(failures.keySet()).containsExactly("no client certificate: exit 3", "no --trust: exit 3",
          "the wrong CA trusted: exit 3", "the wrong name: exit 3", "nothing listens: exit 4");
      assertThat(failures.get("no client certificate: exit 3")).contains("REJECTED (HANDSHAKE_FAILED)")
          .contains("certificate_required").contains("give one with --cert");
      for (String untrusted : List.of("no --trust: exit 3", "the wrong CA trusted: exit 3")) {
        assertThat(failures.get(untrusted)).contains("REJECTED (CERTIFICATE_REJECTED)").contains("incomplete chain")
            .contains("Try: if you trust this server's CA, pass its certificate with --trust FILE");
      }
      assertThat(failures.get("the wrong name: exit 3"))
          .contains("PROBLEM: certificate not valid for mail.example.com; it names [DNS:localhost, IP:127.0.0.1,")
          .contains("--peer-name NAME");
      assertThat(failures.get("nothing listens: exit 4")).contains("cannot connect to 127.0.0.1:")
          .contains("Try: check the host and port: is the server running and listening there?");
    } finally {
      if (server != null) server.close();
    }
  }

  @Test
  void aServerWithoutStarttlsIsRefusedAsTheGuideShows() throws Exception {
    List<String> commands = sectionOneCommands();
    String python = commands.stream().filter(c -> c.startsWith("python3 -c '")).findFirst().orElseThrow();
    List<String> clients = commands.stream().filter(c -> c.contains(":" + PLAIN_PORT)).toList();
    assertThat(clients).hasSize(1);
    run(args(commands.getFirst(), Map.of()), 0); // the guide's first command makes the CA the client trusts
    assertThat(commands.getFirst()).startsWith("./tlskit cert ca ");
    int port = freePort();
    String code = python.substring(python.indexOf('\'') + 1, python.lastIndexOf('\''))
        .replace(", " + PLAIN_PORT + ")", ", " + port + ")");
    try (PeerProcess server = PeerProcess.start(dir, "python3", "-c", code)) {
      awaitListening(port, server);
      String out = run(args(clients.getFirst(), Map.of(PLAIN_PORT, port)), expectedExit(clients.getFirst()));
      assertThat(expectedExit(clients.getFirst())).isEqualTo(3);
      assertThat(out).contains("S: 250 plain.test").doesNotContain("C: STARTTLS")
          .contains("REJECTED (UPGRADE_NOT_OFFERED): SMTP server does not advertise STARTTLS")
          .contains("Try: the server does not offer the upgrade on this port");
    }
  }

  private static void awaitListening(int port, PeerProcess process) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < end) {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new AssertionError("the guide's Python server did not listen on " + port + ":\n" + process.output());
  }
}
