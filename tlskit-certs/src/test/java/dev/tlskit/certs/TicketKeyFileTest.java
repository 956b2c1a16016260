package dev.tlskit.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TicketKeyFileTest {
  @TempDir Path dir;

  @Test
  void rotatePrependsANewKeyAndDropsTheOldestBeyondKeep() throws Exception {
    Path file = dir.resolve("ticket.keys");
    List<TicketKeyFile.Key> first = TicketKeyFile.rotate(file, 3);
    List<TicketKeyFile.Key> second = TicketKeyFile.rotate(file, 3);
    List<TicketKeyFile.Key> third = TicketKeyFile.rotate(file, 3);
    List<TicketKeyFile.Key> fourth = TicketKeyFile.rotate(file, 3);

    assertThat(first).hasSize(1);
    assertThat(second).hasSize(2);
    assertThat(ids(second.subList(1, 2))).isEqualTo(ids(first));
    assertThat(fourth).hasSize(3);
    assertThat(ids(fourth.subList(1, 3))).isEqualTo(ids(third.subList(0, 2)));
    assertThat(ids(TicketKeyFile.read(file))).isEqualTo(ids(fourth));
    assertThat(TicketKeyFile.read(file).get(0).aesKey()).isEqualTo(fourth.get(0).aesKey());
    assertThat(TicketKeyFile.read(file).get(2).hmacKey()).isEqualTo(fourth.get(2).hmacKey());
  }

  @Test
  void fileIsWrittenForItsOwnerOnlyAndLeavesNoTemporaryFile() throws Exception {
    Path file = dir.resolve("ticket.keys");
    TicketKeyFile.rotate(file, 2);
    TicketKeyFile.rotate(file, 2);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    try (var files = Files.list(dir)) {
      assertThat(files.toList()).containsExactly(file);
    }
  }

  @Test
  void readsKeysMadeByOpensslRandAsNginxAndHaproxyDo() throws Exception {
    byte[] raw = new byte[48];
    for (int i = 0; i < raw.length; i++) raw[i] = (byte) i;
    Path file = secret("# comment\n\n" + Base64.getEncoder().encodeToString(raw) + "\r\n");
    TicketKeyFile.Key key = TicketKeyFile.read(file).get(0);
    assertThat(key.name()[15]).isEqualTo((byte) 15);
    assertThat(key.aesKey()[0]).isEqualTo((byte) 16);
    assertThat(key.hmacKey()[0]).isEqualTo((byte) 32);
  }

  @Test
  void refusesAFileOtherUsersCanRead() throws Exception {
    Path file = dir.resolve("ticket.keys");
    TicketKeyFile.rotate(file, 1);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> TicketKeyFile.read(file)).isInstanceOfSatisfying(CertificateFileException.class,
        e -> assertThat(e.problem()).isEqualTo(CertificateFileException.Problem.EXPOSED))
        .hasMessageContaining("rw-r--r--").hasMessageContaining("chmod 600");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----")); // Debian's ssl-cert group
    assertThat(TicketKeyFile.read(file)).hasSize(1);
  }

  @Test
  void refusesKeysOfAnotherLengthNamingTheLineButNotItsContent() throws Exception {
    String aes256 = Base64.getEncoder().encodeToString(new byte[80]);
    Path file = secret("# header\n" + aes256 + "\n");
    assertThatThrownBy(() -> TicketKeyFile.read(file)).isInstanceOf(CertificateFileException.class)
        .hasMessageContaining("line 2").hasMessageContaining("80 bytes").hasMessageNotContaining(aes256);
    assertThatThrownBy(() -> TicketKeyFile.read(secret("not base64 !!\n")))
        .hasMessageContaining("line 1").hasMessageContaining("not base64").hasMessageNotContaining("!!");
    assertThatThrownBy(() -> TicketKeyFile.read(secret("# only comments\n")))
        .hasMessageContaining("at least one session-ticket key");
  }

  @Test
  void refusesTwoKeysWithOneName() throws Exception {
    String k = Base64.getEncoder().encodeToString(new byte[48]);
    assertThatThrownBy(() -> TicketKeyFile.read(secret(k + "\n" + k + "\n"))).hasMessageContaining("line 2")
        .hasMessageContaining("earlier key");
  }

  @Test
  void toStringRedactsTheSecrets() throws Exception {
    Path file = dir.resolve("ticket.keys");
    TicketKeyFile.Key key = TicketKeyFile.rotate(file, 1).get(0);
    String text = key.toString();
    assertThat(text).contains("redacted").contains(key.id());
    String line = Files.readAllLines(file).get(3);
    assertThat(text).doesNotContain(line).doesNotContain(line.substring(24, 40));
  }

  private Path secret(String text) throws Exception {
    Path f = Files.createTempFile(dir, "keys", ".txt", PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rw-------")));
    Files.writeString(f, text, StandardCharsets.UTF_8);
    return f;
  }

  private static List<String> ids(List<TicketKeyFile.Key> keys) {
    return keys.stream().map(k -> java.util.HexFormat.of().formatHex(k.name())).toList();
  }
}
