package dev.tlskit.nativetls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NativeTlsTest {
  @Test
  void boringSslLoadsOnThisMachine() {
    assertThat(NativeTls.isAvailable()).as(NativeTls.version()).isTrue();
    assertThat(NativeTls.version()).contains("BoringSSL");
  }
}
