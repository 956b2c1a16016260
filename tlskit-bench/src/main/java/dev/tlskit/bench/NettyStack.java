package dev.tlskit.bench;

import dev.tlskit.bench.stacks.BenchStacks;
import dev.tlskit.bench.stacks.BenchStacks.Link;
import dev.tlskit.bench.stacks.BenchStacks.Pki;
import dev.tlskit.bench.stacks.BenchStacks.Settings;
import dev.tlskit.bench.stacks.BenchStacks.Stack;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A Netty TLS server and client on loopback with one {@link SslProvider} (JDK or OpenSSL/BoringSSL), built as a
 * Netty user would: NIO event loops, an {@code SslContext} from {@code SslContextBuilder} on each side, and a
 * pipeline of {@code SslHandler} plus the application's handler. The server serves the bench protocol on its event
 * loop ({@link NettyBenchHandler}); the client verifies the server's certificate against the test CA with HTTPS
 * hostname verification for "localhost", like the other stacks, and hands the measuring thread a {@link NettyLink}.
 */
final class NettyStack implements Stack {
  private static final int TIMEOUT_MILLIS = 30_000;
  /**
   * Netty's default (32 KiB low, 64 KiB high) makes the channel unwritable after every 64 KiB message; with
   * 256/512 KiB the writer waits only when the event loop really falls behind.
   */
  static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 << 10, 512 << 10);
  private static final AttributeKey<NettyLink> LINK = AttributeKey.valueOf("tlskit.bench.link");

  private final SslProvider provider;
  private final EventLoopGroup serverGroup;
  private final EventLoopGroup clientGroup;
  private final Channel listener;
  private final Bootstrap client;
  private final InetSocketAddress address;
  private final LongAdder certificateChecks = new LongAdder();

  /**
   * Starts the server and prepares the client. Without {@code resumption} every handshake is a full one: the JDK
   * server issues no session tickets (as the other stacks' servers in that mode); with OpenSSL the client keeps no
   * sessions.
   */
  NettyStack(Pki pki, Settings s, SslProvider provider, String peerName, boolean resumption) throws IOException {
    this.provider = provider;
    SslContext serverContext = serverContext(pki, s, provider, resumption);
    SslContext clientContext = clientContext(pki, s, provider, resumption);
    serverGroup = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    clientGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      listener = new ServerBootstrap().group(serverGroup).channel(NioServerSocketChannel.class)
          .option(ChannelOption.SO_BACKLOG, 1024)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new ReadTimeoutHandler(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS),
                  withGroup(serverContext.newHandler(ch.alloc()), s), new NettyBenchHandler());
            }
          })
          .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new InterruptedIOException("interrupted while starting the Netty server");
    } catch (Exception e) {
      close(); // the bind failed (Netty rethrows its IOException unchecked): stop the event loops started above
      throw e;
    }
    address = (InetSocketAddress) listener.localAddress();
    int port = address.getPort();
    client = new Bootstrap().group(clientGroup).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, TIMEOUT_MILLIS)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            // The peer name sets SNI and the name the certificate must match; with the port, the session cache key.
            SslHandler tls = withGroup(clientContext.newHandler(ch.alloc(), peerName, port), s);
            NettyLink link = new NettyLink(tls, TIMEOUT_MILLIS);
            ch.attr(LINK).set(link);
            ch.pipeline().addLast(tls, link);
          }
        });
  }

  /** Returns how many times the client has checked a server certificate: once per full handshake, never on resumption. */
  long certificateChecks() {
    return certificateChecks.sum();
  }

  @Override
  public Link connect() throws IOException {
    ChannelFuture connected = client.connect(address);
    try {
      if (!connected.await(TIMEOUT_MILLIS + 1000L)) {
        connected.cancel(false);
        throw new SocketTimeoutException("Netty client did not connect to " + address);
      }
      if (!connected.isSuccess()) throw new IOException("Netty client could not connect", connected.cause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while connecting");
    }
    // The initializer ran before the connect completed; the channel may have closed since (a refused certificate).
    return connected.channel().attr(LINK).get().awaitHandshake();
  }

  @Override
  public void close() {
    if (listener != null) listener.close().awaitUninterruptibly(TIMEOUT_MILLIS);
    clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(TIMEOUT_MILLIS);
    serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(TIMEOUT_MILLIS);
  }

  private static SslContext serverContext(Pki pki, Settings s, SslProvider provider, boolean resumption)
      throws IOException {
    SslContextBuilder b = SslContextBuilder.forServer(pki.leaf().privateKey(),
            pki.leaf().chain().toArray(X509Certificate[]::new))
        .sslProvider(provider).protocols(s.protocol()).ciphers(List.of(s.suite()));
    if (provider != SslProvider.JDK) b.option(OpenSslContextOption.GROUPS, new String[] {s.group()});
    if (!resumption && provider == SslProvider.JDK) {
      // As TlsServer and the raw JDK stack do: the JDK issues no TLS 1.3 ticket when the session lifetime exceeds the
      // 7-day maximum.
      b.sessionTimeout(Duration.ofDays(8).toSeconds());
    }
    SslContext context = b.build();
    return context;
  }

  private SslContext clientContext(Pki pki, Settings s, SslProvider provider, boolean resumption) throws IOException {
    SslContextBuilder b = SslContextBuilder.forClient().sslProvider(provider)
        .trustManager(countingTrustManager(pki.ca().certificate()))
        .endpointIdentificationAlgorithm("HTTPS")
        .protocols(s.protocol()).ciphers(List.of(s.suite()));
    if (provider != SslProvider.JDK) b.option(OpenSslContextOption.GROUPS, new String[] {s.group()});
    SslContext context = b.build();
    if (!resumption && context.sessionContext() instanceof OpenSslSessionContext cache) {
      // Netty's OpenSSL server issues TLS 1.3 tickets whatever its session settings (tcnative's SSL_OP_NO_TICKET
      // and num_tickets calls crashed or had no effect here), so the client keeps no sessions instead: every
      // handshake is full, and this server still pays for one ticket per connection that the others do not.
      cache.setSessionCacheEnabled(false);
    }
    return context;
  }

  /** Sets the key exchange group on a JDK engine (Netty's OpenSSL engines take it from the context option). */
  private SslHandler withGroup(SslHandler handler, Settings s) {
    if (provider == SslProvider.JDK) {
      SSLEngine engine = handler.engine();
      SSLParameters p = engine.getSSLParameters();
      p.setNamedGroups(new String[] {s.group()});
      engine.setSSLParameters(p);
    }
    return handler;
  }

  /**
   * Returns the JDK's PKIX trust manager for the test CA, counting each server-certificate check. The engine-taking
   * method is the one both engines call; it also checks the host name the engine's parameters ask for ("HTTPS").
   */
  private X509ExtendedTrustManager countingTrustManager(X509Certificate ca) {
    X509ExtendedTrustManager pkix;
    try {
      KeyStore anchors = KeyStore.getInstance("PKCS12");
      anchors.load(null, null);
      anchors.setCertificateEntry("ca", ca);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(anchors);
      pkix = (X509ExtendedTrustManager) firstOf(tmf.getTrustManagers());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("the JDK cannot make a trust manager for the test CA: " + e.getMessage(), e);
    }
    return new X509ExtendedTrustManager() {
      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
          throws CertificateException {
        certificateChecks.increment();
        pkix.checkServerTrusted(chain, authType, engine);
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
          throws CertificateException {
        certificateChecks.increment();
        pkix.checkServerTrusted(chain, authType, socket);
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("refused: a server check without an engine would skip hostname verification");
      }

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
          throws CertificateException {
        pkix.checkClientTrusted(chain, authType, engine);
      }

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
          throws CertificateException {
        pkix.checkClientTrusted(chain, authType, socket);
      }

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        pkix.checkClientTrusted(chain, authType);
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
      }
    };
  }

  private static TrustManager firstOf(TrustManager[] managers) {
    for (TrustManager m : managers) {
      if (m instanceof X509ExtendedTrustManager) return m;
    }
    throw new IllegalStateException("PKIX gave no X509ExtendedTrustManager");
  }
}
