package dev.tlskit.ftp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The five-argument constructor code written before the key-exchange group was reported still compiles and says so. */
class DataProtectionTest {
  @Test
  void theEarlierConstructorReportsTheGroupAsUnknownOverTlsAndNoneWhenClear() {
    DataProtection tls = new DataProtection(true, "TLSv1.3", "TLS_AES_128_GCM_SHA256", true, "JDK SSLEngine");
    DataProtection clear = new DataProtection(false, null, null, false, null);

    assertThat(tls.keyExchangeGroup()).isEqualTo("unknown");
    assertThat(tls.sessionResumed()).isTrue();
    assertThat(clear.keyExchangeGroup()).isNull();
    assertThat(clear).isEqualTo(DataProtection.CLEAR);
  }
}
