package dev.tlskit.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ProtocolException;
import dev.tlskit.TlsMode;
import dev.tlskit.testpeer.MailTests;
import dev.tlskit.testpeer.ScriptedPeer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Counts and sizes are ASCII digits (RFC 1939). {@code Long.parseLong} also takes other scripts' digits and a plus
 * sign, so "+OK \u0663 100" was read as three messages.
 */
class Pop3NumbersTest {
  @ParameterizedTest
  @ValueSource(strings = {"+OK \u0663 100", "+OK 3 \uff11\uff10\uff10", "+OK +3 100"})
  void statWithNonAsciiDigitsIsAProtocolError(String reply) throws Exception {
    try (ScriptedPeer peer = ScriptedPeer.plain("S: +OK POP3 ready", "C: CAPA", "S: -ERR", "C: STAT", "S: " + reply)) {
      Pop3Client pop = Pop3Client.connect(MailTests.plainClient(), "127.0.0.1", peer.port(), TlsMode.NONE);
      assertThatThrownBy(pop::stat).isInstanceOf(ProtocolException.class).hasMessageContaining("malformed number");
      pop.close();
      assertThat(peer.finish()).isEmpty();
    }
  }
}
