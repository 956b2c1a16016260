package dev.tlskit.ftp;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FtpClientBuilderTest {
  @Test
  void timeoutsBeyondWhatASocketTimeoutHoldsAreRefusedAtBuildTime() {
    Duration tooLong = Duration.ofMillis(Integer.MAX_VALUE + 1L);
    assertThatThrownBy(() -> FtpClient.builder().readTimeout(tooLong))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readTimeout");
    assertThatThrownBy(() -> FtpClient.builder().connectTimeout(tooLong))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectTimeout");
    assertThatThrownBy(() -> FtpClient.builder().readTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
