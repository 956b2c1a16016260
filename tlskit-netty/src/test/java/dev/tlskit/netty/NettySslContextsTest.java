package dev.tlskit.netty;

import static dev.tlskit.testing.AdapterPki.CLIENT;
import static dev.tlskit.testing.AdapterPki.GOOD;
import static dev.tlskit.testing.AdapterPki.INTERMEDIATE;
import static dev.tlskit.testing.AdapterPki.ROOT;
import static dev.tlskit.testing.AdapterPki.TRUST_ROOT;
import static dev.tlskit.testing.AdapterPki.WRONG_NAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.CertificateProblem;
import dev.tlskit.ServerCertificates;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsServer;
import dev.tlskit.Trust;
import dev.tlskit.ValidationReport;
import dev.tlskit.certs.Fingerprints;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.testing.AdapterPki;
import dev.tlskit.testing.LoopbackHttps;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Netty's SslHandler with contexts from NettySslContexts: a Netty client to TlsServer, TlsClient to a Netty server. */
class NettySslContextsTest {
  static EventLoopGroup group;
  static LoopbackHttps good;

  @BeforeAll
  static void start() throws IOException {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    good = LoopbackHttps.start(GOOD.certifiedKey());
  }

  @AfterAll
  static void stop() {
    good.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  // ---- a Netty client to a TlsKit server

  /** Sends a GET through a Netty client using {@code context} for {@code host}; returns the reply's body line. */
  static String nettyGet(SslContext context, String url) throws Exception {
    var uri = java.net.URI.create(url);
    CompletableFuture<String> reply = new CompletableFuture<>();
    Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        SslHandler ssl = context.newHandler(ch.alloc(), uri.getHost(), uri.getPort());
        ssl.handshakeFuture().addListener(f -> {
          if (f.isSuccess()) {
            ch.writeAndFlush(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII));
          } else {
            reply.completeExceptionally(f.cause());
          }
        });
        StringBuilder received = new StringBuilder();
        ch.pipeline().addLast(ssl, new SimpleChannelInboundHandler<ByteBuf>() {
          @Override
          protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
            received.append(msg.toString(StandardCharsets.UTF_8));
          }

          @Override
          public void channelInactive(ChannelHandlerContext ctx) {
            reply.complete(received.toString());
          }

          @Override
          public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            reply.completeExceptionally(cause);
            ctx.close();
          }
        });
      }
    }).connect(InetAddress.getLoopbackAddress(), uri.getPort()).sync().channel();
    try {
      String all = reply.get(20, TimeUnit.SECONDS);
      return all.substring(all.lastIndexOf('\n') + 1);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    } finally {
      ch.close().syncUninterruptibly();
    }
  }

  static ValidationReport refusal(TlsPolicy policy, String url) {
    Throwable[] failure = new Throwable[1];
    assertThatThrownBy(() -> nettyGet(NettySslContexts.forClient(policy), url))
        .isInstanceOf(SSLHandshakeException.class).satisfies(e -> failure[0] = e);
    return ValidationReport.of(failure[0]).orElseThrow(() -> new AssertionError("no report in", failure[0]));
  }

  @Test
  void nettyClientGetsThroughToATlsServerThePolicyTrusts() throws Exception {
    assertThat(nettyGet(NettySslContexts.forClient(TRUST_ROOT), good.url("localhost")))
        .startsWith("TLSv1.3 TLS_AES_").contains("client=-");
  }

  @Test
  void nettyClientRefusesAnUntrustedServerWithTheReport() {
    ValidationReport r = refusal(TlsPolicy.MODERN, good.url("localhost"));
    assertThat(r.problems()).hasAtLeastOneElementOfType(CertificateProblem.UntrustedIssuer.class);
  }

  @Test
  void nettyClientRefusesAWrongNameWithTheReport() throws IOException {
    try (LoopbackHttps wrong = LoopbackHttps.start(WRONG_NAME.certifiedKey())) {
      ValidationReport r = refusal(TRUST_ROOT, wrong.url("localhost"));
      assertThat(r.problems()).singleElement().isInstanceOfSatisfying(CertificateProblem.NameMismatch.class,
          m -> assertThat(m.expected()).isEqualTo("localhost"));
    }
  }

  @Test
  void nettyClientRefusesAPinMismatchWithTheReport() throws Exception {
    TlsPolicy pinned = TRUST_ROOT.toBuilder().pin(Fingerprints.spkiPin(WRONG_NAME.certificate())).build();
    ValidationReport r = refusal(pinned, good.url("localhost"));
    assertThat(r.problems()).singleElement().isInstanceOf(CertificateProblem.PinMismatch.class);
    TlsPolicy rightPin = TRUST_ROOT.toBuilder().pin(Fingerprints.spkiPin(INTERMEDIATE.certificate())).build();
    assertThat(nettyGet(NettySslContexts.forClient(rightPin), good.url("localhost"))).startsWith("TLSv1.3");
  }

  @Test
  void nettyClientRefusesARevokedCertificateWithTheReport() {
    ValidationReport r = refusal(AdapterPki.revokingGood(), good.url("localhost"));
    assertThat(r.problems()).singleElement().isInstanceOfSatisfying(CertificateProblem.Revoked.class,
        p -> assertThat(p.subject()).isEqualTo("CN=localhost"));
  }

  @Test
  void nettyClientUsesExactlyThePolicysVersionAndSuite() throws Exception {
    TlsPolicy tls12 = TRUST_ROOT.toBuilder().protocols("TLSv1.2")
        .cipherSuites(List.of("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256")).build();
    assertThat(nettyGet(NettySslContexts.forClient(tls12), good.url("localhost")))
        .startsWith("TLSv1.2 TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 ");
  }

  @Test
  void nettyClientPresentsThePolicysClientCertificate() throws Exception {
    try (LoopbackHttps mtls = LoopbackHttps.start(GOOD.certifiedKey(), b -> b.clientAuth(TlsServer.ClientAuth.NEED)
        .trustedClientIssuers(List.of(ROOT.certificate())))) {
      TlsPolicy withCert = TRUST_ROOT.toBuilder().clientCertificate(CLIENT.certifiedKey()).build();
      assertThat(nettyGet(NettySslContexts.forClient(withCert), mtls.url("localhost")))
          .contains("client=CN=client.example");
    }
  }

  @Test
  void nettyClientOffersOnlyThePolicysKeyExchangeGroups() throws Exception {
    // a server that takes secp256r1 only: the client's default list has it, the policy's list does not
    TlsPolicy p256Only = TlsPolicy.builder().namedGroups(List.of("secp256r1")).build();
    try (LoopbackHttps p256 = LoopbackHttps.start(GOOD.certifiedKey(), b -> b.policy(p256Only))) {
      assertThat(nettyGet(NettySslContexts.forClient(TRUST_ROOT.toBuilder().namedGroups(List.of("secp256r1")).build()), p256.url("localhost"))).startsWith("TLSv1.3");
      TlsPolicy x448Only = TRUST_ROOT.toBuilder().namedGroups(List.of("x448")).build();
      assertThatThrownBy(() -> nettyGet(NettySslContexts.forClient(x448Only), p256.url("localhost"))).isInstanceOf(javax.net.ssl.SSLException.class);
    }
  }

  @Test
  void nettyClientOffersThePolicysAlpnProtocols() throws Exception {
    try (LoopbackHttps alpn = LoopbackHttps.start(GOOD.certifiedKey(), b -> b.alpn("h2", "http/1.1"))) {
      assertThat(nettyGet(NettySslContexts.forClient(TRUST_ROOT.toBuilder().alpn("http/1.1").build()),
          alpn.url("localhost"))).contains("alpn=http/1.1");
      assertThat(nettyGet(NettySslContexts.forClient(TRUST_ROOT), alpn.url("localhost"))).contains("alpn=-");
    }
  }

  @Test
  void clientEnginesCarryThePolicyAndNeedTheServersName() {
    SslContext context = NettySslContexts.forClient(TRUST_ROOT);
    SSLEngine engine = context.newEngine(ByteBufAllocator.DEFAULT, "localhost", 443);
    assertThat(engine.getSSLParameters().getNamedGroups()).containsExactlyElementsOf(TRUST_ROOT.namedGroups());
    assertThat(engine.getSSLParameters().getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
    assertThat(engine.getEnabledProtocols()).containsExactlyInAnyOrderElementsOf(TRUST_ROOT.protocols());
    assertThatThrownBy(() -> context.newHandler(ByteBufAllocator.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("newHandler(alloc, host, port)");
    TlsPolicy skip = TRUST_ROOT.toBuilder().dangerous().skipHostnameVerification().build();
    assertThat(NettySslContexts.forClient(skip).newEngine(ByteBufAllocator.DEFAULT).getSSLParameters()
        .getEndpointIdentificationAlgorithm()).isNull();
  }

  // ---- a TlsKit client to a Netty server

  /** A Netty server that writes what it negotiated and closes; failed handshakes land in {@code failures}. */
  static Channel nettyServer(SslContext context, BlockingQueue<Throwable> failures) throws InterruptedException {
    return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            SslHandler ssl = context.newHandler(ch.alloc());
            ssl.handshakeFuture().addListener(f -> {
              if (!f.isSuccess()) {
                failures.add(f.cause());
                return;
              }
              SSLSession s = ssl.engine().getSession();
              String line = s.getProtocol() + " " + s.getCipherSuite() + " alpn="
                  + (ssl.applicationProtocol() == null ? "-" : ssl.applicationProtocol()) + " client=" + client(s);
              ch.writeAndFlush(Unpooled.copiedBuffer(line + "\r\n", StandardCharsets.UTF_8))
                  .addListener(ChannelFutureListener.CLOSE);
            });
            ch.pipeline().addLast(ssl, new ChannelInboundHandlerAdapter() {
              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close(); // the handshake failure is already in failures
              }
            });
          }
        }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
  }

  private static String client(SSLSession s) {
    try {
      return ((X509Certificate) s.getPeerCertificates()[0]).getSubjectX500Principal().getName();
    } catch (SSLPeerUnverifiedException none) {
      return "-";
    }
  }

  static String tlsKitGet(TlsPolicy policy, Channel server) throws IOException {
    int port = ((InetSocketAddress) server.localAddress()).getPort();
    try (TlsConnection c = TlsClient.builder().policy(policy).build().connectTls("localhost", port)) {
      return c.readLine(1000);
    }
  }

  @Test
  void tlsClientGetsThroughToANettyServer() throws Exception {
    BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();
    Channel server = nettyServer(NettySslContexts.forServer(TlsPolicy.MODERN, GOOD.certifiedKey()), failures);
    try {
      assertThat(tlsKitGet(TRUST_ROOT, server)).startsWith("TLSv1.3 TLS_AES_").endsWith("alpn=- client=-");
      assertThat(tlsKitGet(TRUST_ROOT.toBuilder().alpn("h2", "http/1.1").build(), server)).contains("alpn=-");
    } finally {
      server.close().sync();
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void nettyServerSelectsThePolicysAlpnProtocol() throws Exception {
    BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();
    TlsPolicy h2 = TlsPolicy.builder().alpn("h2").build();
    Channel server = nettyServer(NettySslContexts.forServer(h2, GOOD.certifiedKey()), failures);
    try {
      assertThat(tlsKitGet(TRUST_ROOT.toBuilder().alpn("http/1.1", "h2").build(), server)).contains("alpn=h2");
    } finally {
      server.close().sync();
    }
  }

  @Test
  void nettyServerAsksForClientCertificatesAndJudgesThemWithThePolicy() throws Exception {
    BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();
    TlsPolicy clientCas = TlsPolicy.builder().trust(Trust.anchors(ROOT.certificate())).build();
    Channel server = nettyServer(NettySslContexts.forServer(clientCas,
        ServerCertificates.of(GOOD.certifiedKey()), TlsServer.ClientAuth.NEED), failures);
    try {
      TlsPolicy withCert = TRUST_ROOT.toBuilder().clientCertificate(CLIENT.certifiedKey()).build();
      assertThat(tlsKitGet(withCert, server)).endsWith("client=CN=client.example");

      HeldCertificate stranger = HeldCertificate.leaf(HeldCertificate.root("Stranger Root"), "client.example");
      TlsPolicy withStranger = TRUST_ROOT.toBuilder().clientCertificate(stranger.certifiedKey()).build();
      assertThatThrownBy(() -> tlsKitGet(withStranger, server)).isInstanceOf(IOException.class);
      Throwable refused = failures.poll(20, TimeUnit.SECONDS);
      assertThat(refused).isNotNull();
      assertThat(ValidationReport.of(refused)).get().satisfies(r -> {
        assertThat(r.expectedName()).isNull();
        // the stranger's root is not sent, and is not among the anchors
        assertThat(r.problems()).singleElement().isInstanceOfSatisfying(CertificateProblem.IncompleteChain.class,
            p -> assertThat(p.missingIssuer()).isEqualTo("CN=Stranger Root"));
      });
    } finally {
      server.close().sync();
    }
  }

  @Test
  void serverContextRefusesClientCertificatesJudgedBySystemRoots() {
    assertThatThrownBy(() -> NettySslContexts.forServer(TlsPolicy.MODERN,
        ServerCertificates.of(GOOD.certifiedKey()), TlsServer.ClientAuth.WANT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clientAuth WANT with the policy's system");
  }
}
