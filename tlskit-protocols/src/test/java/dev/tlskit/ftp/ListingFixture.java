package dev.tlskit.ftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * A directory with an old file, a recent file with spaces in its name, a subdirectory and a symbolic link, made on a
 * real server's disk, and the checks that {@link FtpSession#listEntries} read each one back from its {@code LIST}.
 */
final class ListingFixture {
  static final Instant OLD = Instant.parse("2021-03-04T05:06:07Z");
  final Instant recent = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);

  ListingFixture(Path root) throws Exception {
    Path dir = Files.createDirectories(root.resolve("listing"));
    Path old = Files.writeString(dir.resolve("old.txt"), "12345");
    Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rw-r-----"));
    Files.setLastModifiedTime(old, FileTime.from(OLD));
    Path recentFile = Files.writeString(dir.resolve("recent file.txt"), "abc");
    Files.setLastModifiedTime(recentFile, FileTime.from(recent.plusSeconds(42)));
    Files.createDirectory(dir.resolve("sub"));
    Files.createSymbolicLink(dir.resolve("link"), Path.of("old.txt"));
  }

  /** Checks entries parsed from the server's LIST of the fixture ("ls -l" style, times in UTC). */
  void assertListed(List<FtpEntry> entries) {
    assertThat(entries).allSatisfy(e -> assertThat(e.isParsed()).as(e.raw()).isTrue());
    assertThat(entries).filteredOn(e -> !e.name().equals(".") && !e.name().equals(".."))
        .extracting(FtpEntry::name).containsExactlyInAnyOrder("old.txt", "recent file.txt", "sub", "link");
    FtpEntry old = find(entries, "old.txt");
    assertThat(old.isFile()).isTrue();
    assertThat(old.size()).hasValue(5);
    assertThat(old.modified()).hasValue(OLD.truncatedTo(ChronoUnit.DAYS)); // "Mar  4  2021": a day, no time
    assertThat(old.permissions()).hasValue(PosixFilePermissions.fromString("rw-r-----"));
    FtpEntry recentFile = find(entries, "recent file.txt");
    assertThat(recentFile.size()).hasValue(3);
    assertThat(recentFile.modified()).hasValue(recent); // "Dec  1 16:38": to the minute, this year
    assertThat(find(entries, "sub").isDirectory()).isTrue();
    FtpEntry link = find(entries, "link");
    assertThat(link.isSymbolicLink()).isTrue();
    assertThat(link.linkTarget()).isEqualTo("old.txt");
  }

  static FtpEntry find(List<FtpEntry> entries, String name) {
    return entries.stream().filter(e -> e.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in " + entries));
  }
}
