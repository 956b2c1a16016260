package dev.tlskit.nativetls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.tlskit.ServerCertificates;
import dev.tlskit.TlsServer;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.certs.TicketKeyFile;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The key file installed in BoringSSL directly (netty's own server, no TlsServer): two servers given the same file
 * resume each other's sessions, which openssl s_client carries from one to the other; a server with other keys does
 * not. And the JDK's provider is refused by name.
 */
class NativeTicketKeysTest {
  private static final HeldCertificate ROOT = HeldCertificate.root("Ticket Test Root");
  private static final HeldCertificate LEAF = HeldCertificate.leaf(ROOT, "localhost", "127.0.0.1");

  @TempDir Path dir;
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  @Test
  void jdkProviderIsRefusedAtStartNamingIt() throws Exception {
    Path file = dir.resolve("ticket.keys");
    TicketKeyFile.rotate(file, 2);
    TlsServer.Builder b = TlsServer.builder(c -> { }, ServerCertificates.of(LEAF.certifiedKey()))
        .sessionTicketKeys(NativeTicketKeys.fromFile(file));
    assertThatThrownBy(b::start).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SunJSSE").hasMessageContaining("native engine").hasMessageContaining(file.toString());
  }

  @Test
  void toStringNamesTheFileAndTheEncryptingKeyButNoSecret() throws Exception {
    Path file = dir.resolve("ticket.keys");
    TicketKeyFile.Key key = TicketKeyFile.rotate(file, 2).get(0);
    NativeTicketKeys keys = NativeTicketKeys.fromFile(file);
    server(keys, "TLSv1.3");
    String line = Files.readAllLines(file).get(3);
    assertThat(keys.toString()).contains(file.toString()).contains("1 key").contains(key.id())
        .doesNotContain(line.substring(24, 48));
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void serversSharingTheFileResumeEachOthersSessions(String version) throws Exception {
    requireOpenssl();
    Path shared = dir.resolve("shared.keys");
    TicketKeyFile.rotate(shared, 3);
    Path other = dir.resolve("other.keys");
    TicketKeyFile.rotate(other, 3);
    int a = server(NativeTicketKeys.fromFile(shared), version);
    int b = server(NativeTicketKeys.fromFile(shared), version);
    int c = server(NativeTicketKeys.fromFile(other), version);

    Path session = dir.resolve("session.pem");
    assertThat(sClient(a, version, "-sess_out", session.toString())).contains("New, TLSv1.");
    assertThat(sClient(b, version, "-sess_in", session.toString())).contains("Reused, TLSv1.");
    assertThat(sClient(c, version, "-sess_in", session.toString())).contains("New, TLSv1.");
  }

  @Test
  void aTicketOfAnOlderKeyStillResumesAfterRotationWhileTheKeyIsInTheFile() throws Exception {
    requireOpenssl();
    Path shared = dir.resolve("shared.keys");
    TicketKeyFile.rotate(shared, 2);
    int before = server(NativeTicketKeys.fromFile(shared), "TLSv1.3");
    Path session = dir.resolve("session.pem");
    assertThat(sClient(before, "TLSv1.3", "-sess_out", session.toString())).contains("New, TLSv1.3");
    TicketKeyFile.rotate(shared, 2); // the old key decrypts only now
    int after = server(NativeTicketKeys.fromFile(shared), "TLSv1.3");
    assertThat(sClient(after, "TLSv1.3", "-sess_in", session.toString())).contains("Reused, TLSv1.3");
    TicketKeyFile.rotate(shared, 2); // and now it is gone
    int later = server(NativeTicketKeys.fromFile(shared), "TLSv1.3");
    assertThat(sClient(later, "TLSv1.3", "-sess_in", session.toString())).contains("New, TLSv1.3");
  }

  /** Starts a netty server on the native engine with {@code keys} installed; it says hi and closes. */
  private int server(NativeTicketKeys keys, String version) throws Exception {
    SslContext ssl = SslContextBuilder.forServer(LEAF.privateKey(), LEAF.chain())
        .sslProvider(SslProvider.OPENSSL).protocols(version).build();
    keys.install((OpenSslSessionContext) ssl.sessionContext());
    Channel ch = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel c) {
            SslHandler h = ssl.newHandler(c.alloc());
            c.pipeline().addLast(h);
            h.handshakeFuture().addListener(f -> {
              if (f.isSuccess()) {
                c.writeAndFlush(Unpooled.copiedBuffer("hi\n", StandardCharsets.US_ASCII))
                    .addListener(ChannelFutureListener.CLOSE);
              }
            });
          }
        }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
    return ((InetSocketAddress) ch.localAddress()).getPort();
  }

  private String sClient(int port, String version, String... session) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
        "-servername", "localhost", "-ign_eof", version.equals("TLSv1.3") ? "-tls1_3" : "-tls1_2"));
    cmd.addAll(List.of(session));
    Path log = Files.createTempFile(dir, "s_client", ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("openssl s_client did not finish: " + Files.readString(log));
    }
    return Files.readString(log);
  }

  private static void requireOpenssl() {
    if (new File("/usr/bin/openssl").canExecute()) return;
    if (Boolean.getBoolean("tlskit.requirePeers")) fail("openssl is not installed (scripts/install-peers)");
    Assumptions.abort("openssl is not installed");
  }
}
