package dev.tlskit.internal.ftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ProtocolException;
import dev.tlskit.ftp.FtpEntry;
import dev.tlskit.ftp.FtpReply;
import java.io.EOFException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParsersTest {
  private static ReplyReader transcript(String... lines) {
    Deque<String> q = new ArrayDeque<>(List.of(lines));
    return new ReplyReader(max -> {
      if (q.isEmpty()) throw new EOFException("connection closed by peer");
      String l = q.poll();
      if (l.length() + 2 > max) throw new ProtocolException("line longer than " + max + " bytes received from peer");
      return l;
    });
  }

  @Test
  void readsSingleLineReplies() throws Exception {
    ReplyReader r = transcript("220 ready", "200");
    FtpReply a = r.read();
    assertThat(a.code()).isEqualTo(220);
    assertThat(a.text()).isEqualTo("ready");
    assertThat(r.read().code()).isEqualTo(200);
  }

  @Test
  void readsMultiLineRepliesUpToTheLineWithTheSameCodeAndASpace() throws Exception {
    ReplyReader r = transcript("211-Features:", " MDTM", "211-not the end", "123 not the end either", " UTF8",
        "211 End", "200 next");
    FtpReply feat = r.read();
    assertThat(feat.code()).isEqualTo(211);
    assertThat(feat.lines()).hasSize(6);
    assertThat(feat.text()).isEqualTo("End");
    assertThat(r.read().code()).isEqualTo(200);
  }

  @Test
  void refusesMalformedReplies() {
    assertThatThrownBy(() -> transcript("hello").read()).isInstanceOf(ProtocolException.class)
        .hasMessageContaining("malformed FTP reply");
    assertThatThrownBy(() -> transcript("2200 x").read()).isInstanceOf(ProtocolException.class);
    assertThatThrownBy(() -> transcript("620 x").read()).isInstanceOf(ProtocolException.class);
  }

  @Test
  void boundsMultiLineReplies() {
    String[] many = new String[ReplyReader.MAX_LINES + 2];
    many[0] = "211-start";
    for (int i = 1; i < many.length; i++) many[i] = " line " + i;
    assertThatThrownBy(() -> transcript(many).read()).isInstanceOf(ProtocolException.class)
        .hasMessageContaining("longer than");
    assertThatThrownBy(() -> transcript("211-start", " x").read()).isInstanceOf(EOFException.class);
  }

  @Test
  void parsesPasvAndEpsv() throws Exception {
    InetSocketAddress a = DataAddresses.parsePasv(new FtpReply(227,
        List.of("227 Entering Passive Mode (192,168,1,2,19,137)")));
    assertThat(a.getAddress().getHostAddress()).isEqualTo("192.168.1.2");
    assertThat(a.getPort()).isEqualTo(19 * 256 + 137);
    // no parentheses (RFC 1123 says clients must scan for the numbers)
    assertThat(DataAddresses.parsePasv(new FtpReply(227, List.of("227 =10,0,0,1,4,1"))).getPort()).isEqualTo(1025);
    assertThat(DataAddresses.parseEpsv(new FtpReply(229, List.of("229 Entering Extended Passive Mode (|||6446|)"))))
        .isEqualTo(6446);
    assertThat(DataAddresses.parseEpsv(new FtpReply(229, List.of("229 ok (!!!6446!)")))).isEqualTo(6446);
    assertThatThrownBy(() -> DataAddresses.parsePasv(new FtpReply(227, List.of("227 (300,1,1,1,1,1)"))))
        .isInstanceOf(ProtocolException.class);
    assertThatThrownBy(() -> DataAddresses.parseEpsv(new FtpReply(229, List.of("229 (|||99999|)"))))
        .isInstanceOf(ProtocolException.class);
    assertThatThrownBy(() -> DataAddresses.parseEpsv(new FtpReply(229, List.of("229 (||6446|)"))))
        .isInstanceOf(ProtocolException.class);
  }

  @Test
  void pasvToAnotherAddressGoesToTheControlPeer() throws Exception {
    InetAddress control = InetAddress.getByName("127.0.0.1");
    InetSocketAddress announced = new InetSocketAddress(InetAddress.getByName("10.9.8.7"), 4000);
    assertThat(DataAddresses.isForeign(announced, control)).isTrue();
    assertThat(DataAddresses.pasvTarget(announced, control)).isEqualTo(new InetSocketAddress(control, 4000));
  }

  @Test
  void formatsEprtAndPort() throws Exception {
    assertThat(DataAddresses.eprtArgument(InetAddress.getByName("::1"), 5000)).isEqualTo("|2|0:0:0:0:0:0:0:1|5000|");
    assertThat(DataAddresses.eprtArgument(InetAddress.getByName("127.0.0.1"), 5000)).isEqualTo("|1|127.0.0.1|5000|");
    assertThat(DataAddresses.portArgument((java.net.Inet4Address) InetAddress.getByName("10.0.0.1"), 1025))
        .isEqualTo("10,0,0,1,4,1");
  }

  @Test
  void parsesMlsdEntries() throws Exception {
    FtpEntry f = MlsxParser.parse("type=file;size=1024;modify=20261123184500.25;perm=r; my file.txt");
    assertThat(f.name()).isEqualTo("my file.txt");
    assertThat(f.isFile()).isTrue();
    assertThat(f.size()).hasValue(1024);
    assertThat(f.modified()).contains(Instant.parse("2026-11-23T18:45:00.25Z"));
    FtpEntry d = MlsxParser.parse(" Type=cdir;Modify=20261123000000; /home/x");
    assertThat(d.isDirectory()).isTrue();
    assertThat(d.name()).isEqualTo("/home/x");
    assertThatThrownBy(() -> MlsxParser.parse("type=file;size=1")).isInstanceOf(ProtocolException.class);
    assertThatThrownBy(() -> MlsxParser.parse("nofact; name")).isInstanceOf(ProtocolException.class);
  }

  @Test
  void mlsdSymlinksAndUnixModesReadLikeParsedListLines() throws Exception {
    // ProFTPD's forms: the link's target in the type fact (no spaces: facts end at the first), UNIX.mode bits
    FtpEntry l = MlsxParser.parse("modify=20261201120000;type=OS.unix=slink:/srv/target.txt;UNIX.mode=0777; ln");
    assertThat(l.isSymbolicLink()).isTrue();
    assertThat(l.linkTarget()).isEqualTo("/srv/target.txt");
    assertThat(l.raw()).isEqualTo("modify=20261201120000;type=OS.unix=slink:/srv/target.txt;UNIX.mode=0777; ln");
    FtpEntry f = MlsxParser.parse("type=file;UNIX.mode=0640; f");
    assertThat(f.linkTarget()).isEmpty();
    assertThat(f.permissions()).hasValue(java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
    assertThat(MlsxParser.parse("type=file;UNIX.mode=rwx; f").permissions()).isEmpty();
  }
}
