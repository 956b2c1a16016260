package dev.tlskit.internal.tls;

import static dev.tlskit.internal.io.KeyExchangeSnifferTest.feed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.TlsPolicy;
import dev.tlskit.internal.io.KeyExchangeSniffer;
import dev.tlskit.internal.io.KeyExchangeSnifferTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The group a security info reports: what the flight named, spelled as the JDK and IANA spell it, else honest. */
class SecurityInfosGroupTest {
  static SecurityInfos.Facts facts(boolean resumed, KeyExchangeSniffer flight) {
    return new SecurityInfos.Facts("localhost", true, resumed, false, flight);
  }

  @Test
  void namesHybridAndClassicalGroupsAndSpellsUnassignedOnesInHex() {
    assertThat(NamedGroups.name(0x11EC)).isEqualTo("X25519MLKEM768");
    assertThat(NamedGroups.name(0x11EB)).isEqualTo("SecP256r1MLKEM768");
    assertThat(NamedGroups.name(0x11ED)).isEqualTo("SecP384r1MLKEM1024");
    assertThat(NamedGroups.name(0x0201)).isEqualTo("MLKEM768");
    assertThat(NamedGroups.name(0x001D)).isEqualTo("x25519");
    assertThat(NamedGroups.name(0x0104)).isEqualTo("ffdhe8192");
    assertThat(NamedGroups.name(0x1234)).isEqualTo("0x1234");
    String suite13 = "TLS_AES_128_GCM_SHA256";
    assertThat(SecurityInfos.group(facts(false, feed(KeyExchangeSnifferTest.tls13(0x11EC), 100)), suite13,
        TlsPolicy.MODERN)).isEqualTo("X25519MLKEM768");
  }

  @Test
  void aServerKeyExchangeNamesTheGroupOfAnEcdheSuiteOnly() {
    KeyExchangeSniffer flight = feed(KeyExchangeSnifferTest.tls12(0x0018), 100);
    assertThat(SecurityInfos.group(facts(false, flight), "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        TlsPolicy.MODERN)).isEqualTo("secp384r1");
    assertThat(SecurityInfos.group(facts(false, flight), "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", TlsPolicy.MODERN))
        .isEqualTo("unknown");
  }

  @Test
  void aResumedSessionWithoutKeyShareSaysSoAndNothingSeenFallsBackToThePolicysOnlyGroup() {
    KeyExchangeSniffer resumed = feed(KeyExchangeSnifferTest.resumed12(), 7);
    assertThat(SecurityInfos.group(facts(true, resumed), "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        TlsPolicy.MODERN)).isEqualTo("none (resumed)");
    TlsPolicy one = TlsPolicy.MODERN.toBuilder().namedGroups(List.of("x448")).build();
    assertThat(SecurityInfos.group(facts(false, null), "TLS_AES_128_GCM_SHA256", one)).isEqualTo("x448");
    assertThat(SecurityInfos.group(facts(false, null), "TLS_AES_128_GCM_SHA256", TlsPolicy.MODERN))
        .isEqualTo("unknown");
  }
}
