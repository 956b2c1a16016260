package dev.tlskit.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.certs.KeyType;
import dev.tlskit.bench.stacks.BenchMeasure;
import dev.tlskit.bench.stacks.BenchMeasure.Sample;
import dev.tlskit.bench.stacks.BenchStacks.Pki;
import dev.tlskit.bench.stacks.BenchStacks.Settings;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Netty stacks of NettyComparison verify the server as the other stacks do and do the exercises they claim. */
class NettyStackTest {
  private static final Settings SETTINGS =
      new Settings("TLSv1.3", "TLS_AES_128_GCM_SHA256", "x25519", KeyType.EC_P256, null);
  private static final Pki PKI = Pki.create(KeyType.EC_P256);

  @ParameterizedTest
  @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
  void clientRefusesACertificateForAnotherName(SslProvider provider) throws IOException {
    try (NettyStack stack = new NettyStack(PKI, SETTINGS, provider, "other.example", false)) {
      assertThatThrownBy(stack::connect).isInstanceOf(IOException.class).hasMessageContaining("handshake failed");
    }
  }

  @ParameterizedTest
  @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
  void clientRefusesAServerItsCaDidNotSign(SslProvider provider) throws IOException {
    Pki otherCa = new Pki(Pki.create(KeyType.EC_P256).ca(), PKI.leaf());
    try (NettyStack stack = new NettyStack(otherCa, SETTINGS, provider, "localhost", false)) {
      assertThatThrownBy(stack::connect).isInstanceOf(IOException.class).hasMessageContaining("handshake failed");
    }
  }

  /**
   * A refused certificate closes the client channel on the event loop, and Netty then empties its pipeline; the
   * measuring thread may look at the channel only after that. Here the channel is closed before it looks.
   */
  @ParameterizedTest
  @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
  void aChannelClosedBeforeTheHandshakeIsReadFailsAsAnIOException(SslProvider provider) throws Exception {
    var context = SslContextBuilder.forClient().sslProvider(provider).build();
    EmbeddedChannel channel = new EmbeddedChannel();
    SslHandler tls = context.newHandler(channel.alloc(), "localhost", 443);
    NettyLink link = new NettyLink(tls, 1000);
    channel.pipeline().addLast(tls, link);
    channel.close().sync();
    assertThat(channel.pipeline().get(SslHandler.class)).isNull(); // what made connect() throw NullPointerException

    assertThatThrownBy(link::awaitHandshake).isInstanceOf(IOException.class).hasMessageContaining("handshake failed");
  }

  @ParameterizedTest
  @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
  void fullHandshakesCheckTheCertificateEachTimeAndResumedOnesOnlyFirst(SslProvider provider) throws IOException {
    try (NettyStack stack = new NettyStack(PKI, SETTINGS, provider, "localhost", false)) {
      Sample full = BenchMeasure.handshakes(stack, 150);
      assertThat(stack.certificateChecks()).isEqualTo((long) full.units()).isPositive();
    }
    try (NettyStack stack = new NettyStack(PKI, SETTINGS, provider, "localhost", true)) {
      BenchMeasure.handshakes(stack, 1); // the first handshake is full and leaves a ticket
      Sample resumed = BenchMeasure.handshakes(stack, 150);
      assertThat(resumed.units()).isPositive();
      assertThat(stack.certificateChecks()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
  void serverConfirmsEveryByteTheClientSent(SslProvider provider) throws IOException {
    try (NettyStack stack = new NettyStack(PKI, SETTINGS, provider, "localhost", false)) {
      // throughput() fails unless the server's count equals the bytes sent: several batches of odd-sized messages
      assertThat(BenchMeasure.throughput(stack, 1000, 50).units()).isGreaterThan(1.0);
      assertThat(BenchMeasure.throughput(stack, 65536, 50).units()).isGreaterThan(1.0);
    }
  }
}
