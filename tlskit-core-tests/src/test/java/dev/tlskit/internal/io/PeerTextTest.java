package dev.tlskit.internal.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The one escaper of peer text, for strings and raw bytes alike. */
class PeerTextTest {
  @Test
  void quotesEscapesControlsAndCutsAtTheOneLimit() {
    assertThat(PeerText.quote("250 ok\r\nDATA\u0000\u001b[31m")).isEqualTo("\"250 ok\\r\\nDATA\\x00\\x1b[31m\"");
    assertThat(PeerText.quote((String) null)).isEqualTo("\"\"");
    String shown = PeerText.quote("x".repeat(PeerText.MAX + 50));
    assertThat(shown).isEqualTo("\"" + "x".repeat(PeerText.MAX) + "...\"");
  }

  @Test
  void bytesAreShownLikeTextAndNonAsciiAsHex() {
    byte[] b = "..+OK\r\n\u00e9".getBytes(StandardCharsets.UTF_8);
    assertThat(PeerText.quote(b, 2, b.length - 2)).isEqualTo("\"+OK\\r\\n\\xc3\\xa9\"");
    byte[] big = new byte[PeerText.MAX + 1];
    java.util.Arrays.fill(big, (byte) 'y');
    assertThat(PeerText.quote(big, 0, big.length)).isEqualTo("\"" + "y".repeat(PeerText.MAX) + "...\"");
  }
}
