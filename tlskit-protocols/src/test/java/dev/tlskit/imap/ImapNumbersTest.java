package dev.tlskit.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ProtocolException;
import org.junit.jupiter.api.Test;

/**
 * Numbers and literal sizes are ASCII digits (RFC 9051 section 9, {@code DIGIT}). Other Unicode decimal digits
 * are digits to {@code Character.isDigit} and {@code Long.parseLong}, so "{\u0663}" was read as a 3-byte literal.
 */
class ImapNumbersTest {
  @Test
  void nonAsciiDigitsAreNeitherNumbersNorLiteralSizes() throws Exception {
    assertThat(ImapParserTest.parse("* \u0663 EXISTS\r\n").number()).isEqualTo(-1);
    assertThat(ImapParserTest.parse("* 3 EXISTS\r\n").number()).isEqualTo(3);
    assertThat(ImapParserTest.parse("* SEARCH \u0661 2\r\n").values().get(0)).isInstanceOf(ImapValue.Atom.class);
    assertThatThrownBy(() -> ImapParserTest.parse("* 1 FETCH (BODY[] {\u0663}\r\nabc)\r\n"))
        .isInstanceOf(ProtocolException.class).hasMessageContaining("bad literal size");
  }
}
