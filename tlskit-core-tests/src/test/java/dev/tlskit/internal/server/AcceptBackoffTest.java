package dev.tlskit.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A failing accept loop pauses, growing from 5 ms to a 1 s cap, so that it never spins a CPU. */
class AcceptBackoffTest {
  @Test
  void theFirstFailurePausesBrieflyAndRepeatedFailuresBackOffToOneSecond() {
    assertThat(Acceptor.backoffMillis(1)).isEqualTo(5);
    assertThat(Acceptor.backoffMillis(2)).isEqualTo(10);
    assertThat(Acceptor.backoffMillis(5)).isEqualTo(80);
    assertThat(Acceptor.backoffMillis(8)).isEqualTo(640);
    assertThat(Acceptor.backoffMillis(9)).isEqualTo(1000);
    assertThat(Acceptor.backoffMillis(Integer.MAX_VALUE)).isEqualTo(1000);
    for (int i = 1; i < 100; i++) {
      assertThat(Acceptor.backoffMillis(i + 1)).isGreaterThanOrEqualTo(Acceptor.backoffMillis(i));
    }
  }
}
