package dev.tlskit.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ProtocolException;
import dev.tlskit.TlsMode;
import dev.tlskit.testpeer.MailTests;
import dev.tlskit.testpeer.ScriptedPeer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A reply code is three ASCII digits (RFC 5321 4.2). Other Unicode decimal digits (Arabic-Indic, fullwidth, ...)
 * are digits to {@code Character.isDigit} and {@code Integer.parseInt}, so "2\u0662\u0660" was read as 220.
 */
class SmtpReplyCodeTest {
  @ParameterizedTest
  @ValueSource(strings = {"2\u0662\u0660 ready", "22\u0660 ready", "2\uff12\uff10 ready", "220-a\r\n2\u0662\u0660 b"})
  void replyCodesWithNonAsciiDigitsAreProtocolErrors(String greeting) throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: " + greeting)) {
      assertThatThrownBy(() -> SmtpClient.connect(MailTests.plainClient(), "127.0.0.1", peer.port(), TlsMode.NONE))
          .isInstanceOf(ProtocolException.class).hasMessageContaining("malformed SMTP reply line");
      peer.finish();
      assertThat(peer.plaintextFromClient()).isEmpty();
    }
  }
}
