package dev.tlskit.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Socket;
import org.junit.jupiter.api.Test;

/** The admission rules on their own: the oldest unsecured connection makes room; secured ones never do. */
class AdmissionTest {
  @Test
  void theOldestUnsecuredSlotIsShedAtTheHandshakeLimit() {
    Admission a = new Admission(10, 2);
    Admission.Slot first = a.admit(new Socket()).admitted();
    Admission.Slot second = a.admit(new Socket()).admitted();
    Admission.Decision third = a.admit(new Socket());
    assertThat(third.admitted()).isNotNull();
    assertThat(third.shed()).isSameAs(first);
    assertThat(first.shed()).isTrue();
    assertThat(first.secure()).as("too late: it was shed").isFalse();
    assertThat(second.secure()).isTrue();
    assertThat(a.admit(new Socket()).shed()).as("one unsecured left, room for another").isNull();
    assertThat(a.admit(new Socket()).shed()).isSameAs(third.admitted());
    assertThat(a.open()).isEqualTo(3);
  }

  @Test
  void atTheConnectionLimitOnlyAllSecuredRefusesTheNewcomer() {
    Admission a = new Admission(2, 2);
    Admission.Slot secured = a.admit(new Socket()).admitted();
    assertThat(secured.secure()).isTrue();
    Admission.Slot pending = a.admit(new Socket()).admitted();
    Admission.Decision newcomer = a.admit(new Socket());
    assertThat(newcomer.shed()).isSameAs(pending);
    assertThat(newcomer.admitted().secure()).isTrue();
    Admission.Decision refused = a.admit(new Socket());
    assertThat(refused.admitted()).isNull();
    assertThat(refused.shed()).isNull();
    secured.release();
    secured.release(); // twice: counted once
    pending.release(); // shed: already given back
    assertThat(a.open()).isEqualTo(1);
    assertThat(a.admit(new Socket()).admitted()).isNotNull();
  }

  @Test
  void theHandshakeLimitCannotExceedTheConnectionLimit() {
    assertThatThrownBy(() -> new Admission(5, 6)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxConnections 5").hasMessageContaining("6");
  }
}
