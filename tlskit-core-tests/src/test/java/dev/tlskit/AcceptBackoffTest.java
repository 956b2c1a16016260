package dev.tlskit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A failing accept loop pauses, growing from 5 ms to a 1 s cap, so that it never spins a CPU. */
class AcceptBackoffTest {
  @Test
  void theFirstFailurePausesBrieflyAndRepeatedFailuresBackOffToOneSecond() {
    assertThat(TlsServer.acceptBackoffMillis(1)).isEqualTo(5);
    assertThat(TlsServer.acceptBackoffMillis(2)).isEqualTo(10);
    assertThat(TlsServer.acceptBackoffMillis(5)).isEqualTo(80);
    assertThat(TlsServer.acceptBackoffMillis(8)).isEqualTo(640);
    assertThat(TlsServer.acceptBackoffMillis(9)).isEqualTo(1000);
    assertThat(TlsServer.acceptBackoffMillis(Integer.MAX_VALUE)).isEqualTo(1000);
    for (int i = 1; i < 100; i++) {
      assertThat(TlsServer.acceptBackoffMillis(i + 1)).isGreaterThanOrEqualTo(TlsServer.acceptBackoffMillis(i));
    }
  }
}
