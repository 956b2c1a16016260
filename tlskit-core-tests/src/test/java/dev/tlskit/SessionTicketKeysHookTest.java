package dev.tlskit;

import static dev.tlskit.TlsServerTest.ECHO;
import static dev.tlskit.TlsServerTest.certs;
import static dev.tlskit.TlsServerTest.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Core's side of shared session-ticket keys: when the server installs them and when again. The keys here are a
 * recording stand-in (the JDK's provider cannot take real ones; tlskit-native's NativeTicketKeysTest and the fleet
 * test prove those); what is under test is the server's contract with any {@link SessionTicketKeys}.
 */
class SessionTicketKeysHookTest {
  @TempDir static Path dir;
  private static ServerTestPki.Issued issued;
  private TlsServer server;

  @BeforeAll
  static void pki() throws Exception {
    issued = ServerTestPki.create(dir, "Ticket Hook CA").server("a.test", "localhost");
  }

  @AfterEach
  void close() {
    if (server != null) server.shutdown(Duration.ZERO);
  }

  /** Records each install: the file's content at that moment, or fails as the file says. */
  static final class Recording implements SessionTicketKeys {
    final Path file;
    final List<String> installed = new CopyOnWriteArrayList<>();
    final List<SSLContext> contexts = new CopyOnWriteArrayList<>();

    Recording(Path file) {
      this.file = file;
    }

    @Override
    public List<Path> files() {
      return List.of(file);
    }

    @Override
    public void install(SSLContext context) throws IOException {
      String content = Files.readString(file).strip();
      if (content.equals("unreadable")) throw new IOException(file + ": not a key file");
      if (content.equals("wrong engine")) throw new IllegalArgumentException("provider " + context.getProvider());
      contexts.add(context);
      installed.add(content);
    }

    @Override
    public String toString() {
      return "recorded keys from " + file;
    }
  }

  @Test
  void keysAreInstalledAtStartAndAgainWhenTheFileChanges() throws Exception {
    Path file = Files.createTempFile(dir, "keys", "");
    Files.writeString(file, "generation 1");
    Recording keys = new Recording(file);
    server = TlsServer.builder(ECHO, certs(issued)).sessionTicketKeys(keys)
        .watchCertificates(Duration.ofMillis(50)).start();
    assertThat(keys.installed).containsExactly("generation 1");

    Files.writeString(file, "generation two"); // another size: seen even within the file system's time resolution
    eventually("keys installed again", () -> keys.installed.size() == 2);
    assertThat(keys.installed).containsExactly("generation 1", "generation two");
    assertThat(keys.contexts.get(1)).as("the serving context").isSameAs(keys.contexts.get(0));
  }

  @Test
  void anUnreadableChangeKeepsTheServerAndItsPreviousKeys() throws Exception {
    Path file = Files.createTempFile(dir, "keys", "");
    Files.writeString(file, "generation 1");
    Recording keys = new Recording(file);
    try (LogCapture log = LogCapture.of("dev.tlskit.server")) {
      server = TlsServer.builder(ECHO, certs(issued)).sessionTicketKeys(keys)
          .watchCertificates(Duration.ofMillis(50)).start();
      Files.writeString(file, "unreadable");
      eventually("failure logged", () -> log.messages().stream().anyMatch(m -> m.contains("session-ticket key files "
          + "changed but could not be reloaded")));
      Files.writeString(file, "generation 3, fixed");
      eventually("keys installed again", () -> keys.installed.size() == 2);
      assertThat(log.messages()).anyMatch(m -> m.contains("reloaded session-ticket keys: recorded keys from"));
    }
    assertThat(server.metrics().connectionsOpen()).isZero();
  }

  @Test
  void startFailsBeforeListeningWhenTheKeysCannotBeInstalled() throws Exception {
    Path file = Files.createTempFile(dir, "keys", "");
    Files.writeString(file, "wrong engine");
    assertThatThrownBy(() -> TlsServer.builder(ECHO, certs(issued))
        .sessionTicketKeys(new Recording(file)).start()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("provider SunJSSE");
    Files.writeString(file, "unreadable");
    assertThatThrownBy(() -> TlsServer.builder(ECHO, certs(issued))
        .sessionTicketKeys(new Recording(file)).start()).isInstanceOf(IOException.class)
        .hasMessageContaining("not a key file");
  }

  @Test
  void ticketKeysWithResumptionOffAreAContradiction() throws Exception {
    Path file = Files.createTempFile(dir, "keys", "");
    Files.writeString(file, "generation 1");
    assertThatThrownBy(() -> TlsServer.builder(ECHO, certs(issued))
        .sessionTicketKeys(new Recording(file)).sessionResumption(false).start())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sessionTicketKeys")
        .hasMessageContaining("sessionResumption");
  }

  @Test
  void serverTlsInstallsTheKeysOnceWhenBuilt() throws Exception {
    Path file = Files.createTempFile(dir, "keys", "");
    Files.writeString(file, "generation 1");
    Recording keys = new Recording(file);
    TlsServer.builder(certs(issued)).sessionTicketKeys(keys).buildServerTls();
    assertThat(keys.installed).containsExactly("generation 1");
  }
}
