package dev.tlskit.internal.ftp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tlskit.ProtocolException;
import dev.tlskit.ftp.FtpEntry;
import dev.tlskit.ftp.FtpReply;
import dev.tlskit.internal.io.LineInput;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzzes the FTP parsers that read server bytes: multi-line replies (RFC 959 4.2), MLSD/MLST entries (RFC 3659),
 * LIST listings (Commons Net's parsers behind {@link ListParser}) and PASV/EPSV replies (RFC 959, RFC 2428). Seeds
 * (FtpParsersFuzzTestInputs) are vsftpd and ProFTPD transcripts and listing formats. Each parser may only return a
 * value or throw a typed {@link ProtocolException} (or end of stream), replies stay inside {@link
 * ReplyReader#MAX_LINE}, {@link ReplyReader#MAX_LINES} and {@link ReplyReader#MAX_BYTES}, and a listing gives at most
 * one entry per line, each no larger than its line.
 */
class FtpParsersFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void readsRepliesWithinLimits(byte[] data) {
    LineInput in = new LineInput(new ByteArrayInputStream(data), 512);
    ReplyReader reader = new ReplyReader(in::readLine);
    try {
      for (int i = 0; i < 10_000; i++) {
        FtpReply reply = reader.read();
        assertThat(reply.code()).isBetween(100, 599);
        assertThat(reply.lines()).hasSizeLessThanOrEqualTo(ReplyReader.MAX_LINES);
        long bytes = 0;
        for (String line : reply.lines()) {
          assertThat(line.getBytes(StandardCharsets.UTF_8).length).isLessThan(ReplyReader.MAX_LINE);
          bytes += line.length() + 2;
        }
        assertThat(bytes).isLessThanOrEqualTo(ReplyReader.MAX_BYTES + ReplyReader.MAX_LINE);
        String first = reply.lines().get(0);
        assertThat(first).startsWith(String.valueOf(reply.code()));
      }
    } catch (IOException expected) {
      // ProtocolException or EOFException
    }
  }

  @FuzzTest(maxDuration = "2m")
  void parsesMlsdEntries(byte[] data) {
    for (String line : new String(data, StandardCharsets.UTF_8).split("\r\n")) {
      try {
        FtpEntry entry = MlsxParser.parse(line);
        assertThat(entry.name()).isNotEmpty();
        entry.size();
        entry.modified();
        entry.isDirectory();
      } catch (ProtocolException expected) {
        // malformed entry
      }
    }
  }

  private static final String[] SYSTEMS = {"UNIX Type: L8", "Windows_NT", "VMS", "OS/400", "MVS", "NETWARE", "OS/2",
      "MACOS PETER", ""};

  @FuzzTest(maxDuration = "2m")
  void parsesListings(byte[] data) {
    if (data.length == 0) return;
    String system = SYSTEMS[(data[0] & 0xff) % SYSTEMS.length];
    String listing = new String(data, 1, data.length - 1, StandardCharsets.UTF_8);
    List<FtpEntry> entries = ListParser.forSystem(system).parse(listing);
    long lines = listing.lines().count();
    assertThat((long) entries.size()).isLessThanOrEqualTo(lines);
    long chars = 0;
    for (FtpEntry e : entries) {
      assertThat(e.raw()).isNotEmpty();
      assertThat(e.name().length()).isLessThanOrEqualTo(e.raw().length());
      assertThat(e.linkTarget().length()).isLessThanOrEqualTo(e.raw().length());
      chars += e.raw().length();
      e.size();
      e.modified();
      e.permissions();
    }
    assertThat(chars).isLessThanOrEqualTo(listing.length());
  }

  @FuzzTest(maxDuration = "2m")
  void parsesPassiveReplies(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    try {
      InetSocketAddress target = DataAddresses.parsePasv(new FtpReply(227, List.of("227 " + text)));
      assertThat(target.getAddress().getAddress()).hasSize(4);
      assertThat(target.getPort()).isBetween(1, 65535);
    } catch (ProtocolException expected) {
      // not a usable 227 reply
    }
    try {
      int port = DataAddresses.parseEpsv(new FtpReply(229, List.of("229 " + text)));
      assertThat(port).isBetween(1, 65535);
    } catch (ProtocolException expected) {
      // not a usable 229 reply
    }
  }
}
