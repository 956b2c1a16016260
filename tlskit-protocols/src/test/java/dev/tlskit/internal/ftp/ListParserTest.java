package dev.tlskit.internal.ftp;

import static java.nio.file.attribute.PosixFilePermission.GROUP_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.GROUP_READ;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.OWNER_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.ftp.FtpEntry;
import java.io.BufferedReader;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.apache.commons.net.ftp.FTPFile;
import org.apache.commons.net.ftp.FTPFileEntryParser;
import org.junit.jupiter.api.Test;

class ListParserTest {
  private static List<FtpEntry> parse(String system, String... lines) {
    return ListParser.forSystem(system).parse(String.join("\r\n", lines) + "\r\n");
  }

  private static Instant utc(int y, int mo, int d, int h, int mi) {
    return LocalDateTime.of(y, mo, d, h, mi).toInstant(ZoneOffset.UTC);
  }

  @Test
  void parsesUnixListingsWithLinksDevicesAndBothDateForms() {
    List<FtpEntry> e = parse("UNIX Type: L8",
        "total 24",
        "-rw-r--r--    1 1000     1000         1234 Jan 05  2020 plain.txt",
        "drwxr-x---    2 ftp      ftp          4096 Feb 29  2024 sub dir",
        "lrwxrwxrwx    1 root     root            7 Mar 10  2021 link -> ../target file",
        "crw-rw-rw-    1 root     root       1,   3 Jan 01  2020 null",
        "brw-rw----    1 root     disk       8,   0 Jan 01  2020 sda",
        "prw-r--r--    1 root     root            0 Jan 01  2020 fifo",
        "-rwsr-xr-x    1 root     root        54256 Apr  1  1999 suid");
    assertThat(e).hasSize(7); // "total 24" is a summary, not an entry

    FtpEntry plain = e.get(0);
    assertThat(plain.name()).isEqualTo("plain.txt");
    assertThat(plain.isFile()).isTrue();
    assertThat(plain.size()).hasValue(1234);
    assertThat(plain.modified()).hasValue(utc(2020, 1, 5, 0, 0));
    assertThat(plain.permissions()).hasValue(Set.of(OWNER_READ, OWNER_WRITE, GROUP_READ, OTHERS_READ));
    assertThat(plain.facts()).containsEntry("unix.mode", "0644").containsEntry("unix.ownername", "1000")
        .containsEntry("unix.groupname", "1000");
    assertThat(plain.raw()).isEqualTo("-rw-r--r--    1 1000     1000         1234 Jan 05  2020 plain.txt");

    assertThat(e.get(1).name()).isEqualTo("sub dir");
    assertThat(e.get(1).isDirectory()).isTrue();
    assertThat(e.get(1).modified()).hasValue(utc(2024, 2, 29, 0, 0));
    assertThat(e.get(1).facts()).containsEntry("unix.mode", "0750");

    FtpEntry link = e.get(2);
    assertThat(link.name()).isEqualTo("link");
    assertThat(link.isSymbolicLink()).isTrue();
    assertThat(link.isFile()).isFalse();
    assertThat(link.linkTarget()).isEqualTo("../target file");

    assertThat(e.get(3).type()).isEqualTo("os.unix=chardev");
    assertThat(e.get(3).name()).isEqualTo("null");
    assertThat(e.get(3).size()).isEmpty(); // "1, 3" are device numbers
    assertThat(e.get(4).type()).isEqualTo("os.unix=blockdev");
    assertThat(e.get(5).type()).isEqualTo("os.unix=fifo");
    assertThat(e.get(6).facts()).containsEntry("unix.mode", "0755");
    assertThat(e.get(6).permissions()).hasValue(Set.of(OWNER_READ, OWNER_WRITE, OWNER_EXECUTE, GROUP_READ,
        GROUP_EXECUTE, OTHERS_READ, OTHERS_EXECUTE));
  }

  @Test
  void yearlessUnixDatesFallInTheLastTwelveMonths() {
    Instant now = Instant.now();
    LocalDateTime twoDaysAgo = LocalDateTime.ofInstant(now.minus(Duration.ofDays(2)), ZoneOffset.UTC);
    String month = twoDaysAgo.getMonth().getDisplayName(java.time.format.TextStyle.SHORT, java.util.Locale.ENGLISH);
    FtpEntry recent = parse("UNIX", String.format("-rw-------    1 ftp ftp 10 %s %2d 13:07 recent",
        month, twoDaysAgo.getDayOfMonth())).get(0);
    assertThat(recent.modified()).hasValue(twoDaysAgo.withHour(13).withMinute(7).withSecond(0).withNano(0)
        .toInstant(ZoneOffset.UTC));

    LocalDateTime inTwoMonths = LocalDateTime.ofInstant(now.plus(Duration.ofDays(60)), ZoneOffset.UTC);
    String later = inTwoMonths.getMonth().getDisplayName(java.time.format.TextStyle.SHORT, java.util.Locale.ENGLISH);
    FtpEntry lastYear = parse("UNIX", String.format("-rw-------    1 ftp ftp 10 %s %2d 08:00 old",
        later, inTwoMonths.getDayOfMonth())).get(0);
    assertThat(lastYear.modified()).get().satisfies(t -> assertThat(t).isBefore(now));
    assertThat(lastYear.modified().get().atOffset(ZoneOffset.UTC).getYear()).isEqualTo(inTwoMonths.getYear() - 1);
  }

  @Test
  void parsesWindowsAndIisDosListings() {
    List<FtpEntry> e = parse("Windows_NT",
        "05-26-21  09:15AM       <DIR>          aspnet_client",
        "10-29-20  03:45PM                 1024 report 2020.pdf",
        "01-02-23  17:05                    77 iso.txt");
    assertThat(e).extracting(FtpEntry::name).containsExactly("aspnet_client", "report 2020.pdf", "iso.txt");
    assertThat(e.get(0).isDirectory()).isTrue();
    assertThat(e.get(0).modified()).hasValue(utc(2021, 5, 26, 9, 15));
    assertThat(e.get(1).isFile()).isTrue();
    assertThat(e.get(1).size()).hasValue(1024);
    assertThat(e.get(1).modified()).hasValue(utc(2020, 10, 29, 15, 45));
    assertThat(e.get(1).permissions()).isEmpty();
    assertThat(e.get(2).size()).hasValue(77);
  }

  @Test
  void iisSwitchedToUnixStyleIsStillParsed() {
    List<FtpEntry> e = parse("Windows_NT", "-rwxrwxrwx   1 owner    group           12 Jan  3  2022 unixy.txt");
    assertThat(e.get(0).name()).isEqualTo("unixy.txt");
    assertThat(e.get(0).size()).hasValue(12);
  }

  @Test
  void parsesVmsKeepingTheNewestVersion() {
    List<FtpEntry> e = parse("VMS V7.3",
        "1-JUN.LIS;1              9/9           2-JUN-1998 07:32:04  [GROUP,OWNER]    (RWED,RWED,RWED,RE)",
        "1-JUN.LIS;2              9/9           3-JUN-1998 07:32:04  [GROUP,OWNER]    (RWED,RWED,RWED,RE)",
        "DATA.DIR;1               1/9           2-JUN-1998 07:32:04  [GROUP,OWNER]    (RWED,RWED,RWED,RE)");
    assertThat(e).extracting(FtpEntry::isParsed).containsOnly(true);
    assertThat(e).hasSize(2);
    assertThat(e).anySatisfy(x -> {
      assertThat(x.name()).startsWith("1-JUN.LIS");
      assertThat(x.modified()).hasValue(utc(1998, 6, 3, 7, 32).plusSeconds(4));
    });
    assertThat(e).anySatisfy(x -> assertThat(x.isDirectory()).isTrue());
  }

  @Test
  void parsesOs400AndNetware() {
    List<FtpEntry> os400 = parse("OS/400 is the remote operating system.",
        "PEP              4019 04/03/18 18:58:16 *STMF      einladung.zip",
        "QSYS            77824 02/23/00 15:09:55 *DIR       QSYS.LIB/");
    assertThat(os400.get(0).name()).isEqualTo("einladung.zip");
    assertThat(os400.get(0).size()).hasValue(4019);
    assertThat(os400.get(1).isDirectory()).isTrue();

    List<FtpEntry> netware = parse("NETWARE  Type : L8",
        "d [-W---F--] SCION_VOL2                        512 Apr 13  2005 VOL2",
        "- [RWCEAFMS] rwinston                        19968 Mar 12  2004 Document.doc");
    assertThat(netware.get(0).isDirectory()).isTrue();
    assertThat(netware.get(0).name()).isEqualTo("VOL2");
    assertThat(netware.get(1).name()).isEqualTo("Document.doc");
    assertThat(netware.get(1).size()).hasValue(19968);
    assertThat(netware.get(1).modified()).hasValue(utc(2004, 3, 12, 0, 0));
  }

  @Test
  void unknownSystemsTryUnixThenDos() {
    assertThat(parse(null, "-rw-r--r-- 1 a b 3 Jan  1  2001 u").get(0).name()).isEqualTo("u");
    assertThat(parse("", "10-29-20  03:45PM  5 d.txt").get(0).size()).hasValue(5);
  }

  @Test
  void unparseableLinesAreKeptRaw() {
    List<FtpEntry> e = parse("UNIX", "this is not a listing", "-rw-r--r-- 1 a b 3 Jan  1  2001 fine");
    assertThat(e).hasSize(2);
    assertThat(e.get(0).isParsed()).isFalse();
    assertThat(e.get(0).name()).isEmpty();
    assertThat(e.get(0).facts()).isEmpty();
    assertThat(e.get(0).raw()).isEqualTo("this is not a listing");
    assertThat(e.get(1).name()).isEqualTo("fine");
  }

  @Test
  void overlongLinesAreKeptRawWithoutParsing() {
    String longName = "x".repeat(ListParser.MAX_ENTRY);
    String line = "-rw-r--r-- 1 a b 3 Jan  1  2001 " + longName;
    FtpEntry e = parse("UNIX", line).get(0);
    assertThat(e.isParsed()).isFalse();
    assertThat(e.raw()).isEqualTo(line);
    // just under the limit is parsed
    String fits = "-rw-r--r-- 1 a b 3 Jan  1  2001 " + "y".repeat(ListParser.MAX_ENTRY - 40);
    assertThat(parse("UNIX", fits).get(0).isParsed()).isTrue();
  }

  /** Instantiated only if a server's SYST text were handed to Commons Net's factory, which loads named classes. */
  public static final class Trap implements FTPFileEntryParser {
    static volatile boolean created;

    public Trap() {
      created = true;
    }

    @Override
    public FTPFile parseFTPEntry(String listEntry) {
      return null;
    }

    @Override
    public String readNextEntry(BufferedReader reader) {
      return null;
    }

    @Override
    public List<String> preParse(List<String> original) {
      return original;
    }
  }

  @Test
  void systemTextNeverNamesAClassToLoad() {
    List<FtpEntry> e = parse(Trap.class.getName(), "-rw-r--r-- 1 a b 3 Jan  1  2001 f");
    assertThat(Trap.created).isFalse();
    assertThat(e.get(0).name()).isEqualTo("f");
  }
}
