package dev.tlskit.imap;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tlskit.ProtocolException;
import java.io.IOException;

/**
 * Fuzzes the IMAP response parser (literals, quoted strings, nested lists, response codes) with peer bytes. Seeds
 * (ImapParserFuzzTestInputs) are Dovecot transcripts. The parser may only return responses or throw an
 * IOException (a typed {@code ProtocolException} or end of stream), and what it returns stays inside the explicit
 * limits: line length, literal size, response size and list depth.
 */
class ImapParserFuzzTest {
  static final ImapLimits LIMITS = new ImapLimits(1024, 4096, 16 * 1024, 8);

  @FuzzTest(maxDuration = "2m")
  void parsesResponsesWithinLimits(byte[] data) {
    ImapParser parser = ImapParserTest.parser(data, LIMITS);
    try {
      for (int i = 0; i < 10_000; i++) {
        ImapResponse r = parser.read();
        assertThat(r.tag()).isNotEmpty();
        long bytes = 0;
        for (ImapValue v : r.values()) {
          assertThat(depth(v)).isLessThanOrEqualTo(LIMITS.maxDepth());
          bytes += size(v);
        }
        assertThat(bytes).isLessThanOrEqualTo(LIMITS.maxResponseSize());
      }
    } catch (IOException expected) {
      // ProtocolException or EOFException: the typed outcomes for bad input
    }
  }

  /**
   * Parses every list in the responses as a BODYSTRUCTURE: the result is a tree or a typed refusal, never another
   * exception, and its size is bounded by the response it came from (no amplification).
   */
  @FuzzTest(maxDuration = "2m")
  void parsesBodyStructuresWithinLimits(byte[] data) {
    ImapParser parser = ImapParserTest.parser(data, LIMITS);
    try {
      for (int i = 0; i < 10_000; i++) {
        for (ImapValue v : parser.read().values()) {
          try {
            BodyStructure b = BodyStructure.parse(v);
            assertThat(b.flatten().size()).isLessThanOrEqualTo(lists(v)); // one node per list, at most
            for (BodyStructure p : b.flatten()) {
              assertThat(p.section().length())
                  .isLessThanOrEqualTo(LIMITS.maxDepth() * (Long.toString(LIMITS.maxResponseSize()).length() + 1));
              p.filename();
            }
          } catch (ProtocolException refused) {
            // not a body structure
          }
        }
      }
    } catch (IOException expected) {
      // ProtocolException or EOFException from the response parser
    }
  }

  private static int lists(ImapValue v) {
    if (!(v instanceof ImapValue.ListValue list)) return 0;
    int n = 1;
    for (ImapValue item : list.items()) n += lists(item);
    return n;
  }

  private static int depth(ImapValue v) {
    if (!(v instanceof ImapValue.ListValue list)) return 0;
    int max = 0;
    for (ImapValue item : list.items()) max = Math.max(max, depth(item));
    return max + 1;
  }

  private static long size(ImapValue v) {
    return switch (v) {
      case ImapValue.Str s -> {
        assertThat(s.bytes().length).isLessThanOrEqualTo(LIMITS.maxLiteralSize());
        yield s.bytes().length;
      }
      case ImapValue.ListValue list -> list.items().stream().mapToLong(ImapParserFuzzTest::size).sum();
      default -> 1;
    };
  }
}
