package dev.tlskit.bench.stacks;

import dev.tlskit.CertifiedKey;
import dev.tlskit.ServerCertificates;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsServer;
import dev.tlskit.Trust;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.certs.KeyType;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The two TLS stacks {@code tlskit bench} compares: TlsKit ({@link TlsClient} to {@link TlsServer}) and the raw JDK
 * ({@link SSLSocket} to {@link SSLServerSocket}), each a loopback server plus a client, with the same key,
 * protocol, cipher suite, group, socket options (TCP_NODELAY) and timeouts. Shared by {@code tlskit bench} and the
 * JMH benchmarks and comparisons of tlskit-bench (which run on the class path).
 */
public final class BenchStacks {
  public static final String PEER_NAME = "localhost";
  private static final int TIMEOUT_MILLIS = 30_000;

  private BenchStacks() {}

  /**
   * What both stacks negotiate. {@code provider} is null for the JDK's own (SunJSSE). {@code group} may list several,
   * comma-separated (BouncyCastle's JSSE needs secp256r1 listed to sign with an EC P-256 key).
   */
  public record Settings(String protocol, String suite, String group, KeyType keyType, Provider provider) {}

  /** A connected, handshaken client link; {@code out} must be flushed after each message. */
  public interface Link extends Closeable {
    InputStream in();

    OutputStream out();

    /** Returns the cipher suite negotiated. */
    String cipherSuite();
  }

  /** One TLS stack: a loopback server and a way to connect a client to it. */
  public interface Stack extends Closeable {
    Link connect() throws IOException;
  }

  /** A throwaway CA and a leaf for "localhost" and 127.0.0.1 signed by it. */
  public record Pki(HeldCertificate ca, HeldCertificate leaf) {
    public static Pki create(KeyType type) {
      HeldCertificate ca = HeldCertificate.builder().commonName("tlskit bench CA").keyType(type)
          .certificateAuthority().build();
      HeldCertificate leaf = HeldCertificate.builder().commonName(PEER_NAME).keyType(type).signedBy(ca)
          .addDnsName(PEER_NAME).addIpAddress("127.0.0.1").build();
      return new Pki(ca, leaf);
    }
  }

  private static TlsPolicy serverPolicy(Settings s) {
    TlsPolicy.Builder p = TlsPolicy.builder().protocols(s.protocol()).cipherSuites(List.of(serverSuites(s)))
        .namedGroups(groups(s));
    if (ownsServerContext(s.provider())) p.provider(s.provider());
    return p.build();
  }

  private static List<String> groups(Settings s) {
    return List.of(s.group().split(","));
  }

  /**
   * True for a provider the server's policy carries itself (TlsKit's BouncyCastle JSSE and the native engine, whose
   * hybrid groups the JDK does not know); Conscrypt is instead put first in the JCA list while the server builds its
   * context.
   */
  private static boolean ownsServerContext(Provider p) {
    return p != null && (p.getName().equals("BCJSSE") || p.getName().equals("TlsKitNative"));
  }

  /** A client's end of a connection, over either stack. */
  private record ClientLink(InputStream in, OutputStream out, Supplier<String> suite, Closeable connection)
      implements Link {
    @Override
    public String cipherSuite() {
      return suite.get();
    }

    @Override
    public void close() throws IOException {
      connection.close();
    }
  }

  /** One loopback server of a stack: its port, and how to stop it. */
  private record Server(int port, Closeable stop) {}

  /** One client of a stack: connects to a loopback port and finishes the handshake. */
  private interface Client {
    Link connect(int port) throws IOException;
  }

  /**
   * Starts a TlsKit server and client. With a provider, the server's TLS context comes from it: the provider is
   * put first in the JCA list only while the server builds its context, so that the JDK stack made afterwards
   * still gets the JDK's own ciphers.
   */
  public static Stack tlskit(Pki pki, Settings s, boolean resumption) throws IOException {
    return stack(tlskitServer(pki, s, resumption), tlskitClient(pki, s));
  }

  /** Starts a raw JDK (SunJSSE) server socket and client, as an application using the JDK directly would. */
  public static Stack jdk(Pki pki, Settings s, boolean resumption) throws IOException {
    return stack(jdkServer(pki, s, resumption), jdkClient(pki, s));
  }

  /**
   * Starts a stack with TlsKit at one end and the raw JDK at the other (both TlsKit or both JDK give
   * {@link #tlskit} and {@link #jdk}): {@code tlskit bench --split} compares each against the raw pair to tell the
   * client's cost from the server's.
   */
  public static Stack mixed(Pki pki, Settings s, boolean resumption, boolean tlskitClient, boolean tlskitServer)
      throws IOException {
    return stack(tlskitServer ? tlskitServer(pki, s, resumption) : jdkServer(pki, s, resumption),
        tlskitClient ? tlskitClient(pki, s) : jdkClient(pki, s));
  }

  private static Stack stack(Server server, Client client) {
    return new Stack() {
      @Override
      public Link connect() throws IOException {
        return client.connect(server.port());
      }

      @Override
      public void close() throws IOException {
        server.stop().close();
      }
    };
  }

  private static Server tlskitServer(Pki pki, Settings s, boolean resumption) throws IOException {
    TlsServer.Builder b = TlsServer.builder(c -> serve(c.input(), c.output()),
            ServerCertificates.of(CertifiedKey.of(pki.leaf().privateKey(), pki.leaf().chain())))
        .policy(serverPolicy(s))
        // a benchmark opens many connections at once: every one may be in its handshake, none shed
        .sessionResumption(resumption).maxConnections(100_000).maxHandshakes(100_000).backlog(1024)
        .handshakeTimeout(Duration.ofMillis(TIMEOUT_MILLIS)).idleTimeout(Duration.ofMillis(TIMEOUT_MILLIS));
    TlsServer server;
    if (s.provider() == null || ownsServerContext(s.provider())) {
      server = b.start();
    } else {
      synchronized (Security.class) {
        Security.insertProviderAt(s.provider(), 1);
        try {
          server = b.start();
        } finally {
          Security.removeProvider(s.provider().getName());
        }
      }
    }
    return new Server(server.port(), () -> server.shutdown(Duration.ofSeconds(1)));
  }

  private static Client tlskitClient(Pki pki, Settings s) {
    TlsPolicy.Builder policy = TlsPolicy.builder().trust(Trust.anchors(pki.ca().certificate()))
        .protocols(s.protocol()).cipherSuites(List.of(s.suite())).namedGroups(groups(s));
    if (s.provider() != null) policy.provider(s.provider());
    TlsClient client = TlsClient.builder().policy(policy.build()).timeout(Duration.ofMillis(TIMEOUT_MILLIS)).build();
    return port -> {
      TlsConnection c = client.connectTls("127.0.0.1", port, PEER_NAME);
      return new ClientLink(c.input(), c.output(), () -> c.sslSession().getCipherSuite(), c);
    };
  }

  /**
   * Returns the server's suites. Conscrypt (BoringSSL) always enables its TLS 1.3 suites and picks the certificate
   * by the TLS 1.2 suites enabled, so with a TLS 1.3 suite alone it finds no usable key (NO_CERTIFICATE_SET): a
   * TLS 1.2 ECDHE suite for the key type is added, which the TLS 1.3-only protocol setting keeps from being used.
   */
  private static String[] serverSuites(Settings s) {
    if (s.provider() == null || !s.provider().getName().startsWith("Conscrypt")) return new String[] {s.suite()};
    String auth = s.keyType().name().startsWith("RSA") ? "RSA" : "ECDSA";
    return new String[] {s.suite(), "TLS_ECDHE_" + auth + "_WITH_AES_128_GCM_SHA256"};
  }

  /**
   * A raw SunJSSE server socket whose accepted sockets are served on virtual threads (as TlsServer does), accepting
   * on a platform daemon thread.
   */
  private static Server jdkServer(Pki pki, Settings s, boolean resumption) throws IOException {
    SSLContext serverContext;
    try {
      char[] pw = "bench".toCharArray();
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("server", pki.leaf().privateKey(), pw, pki.leaf().chain().toArray(X509Certificate[]::new));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, pw);
      serverContext = SSLContext.getInstance("TLS", "SunJSSE");
      serverContext.init(kmf.getKeyManagers(), null, null);
      if (!resumption) {
        // As TlsServer does: the JDK issues no TLS 1.3 ticket when the session lifetime exceeds the 7-day maximum.
        serverContext.getServerSessionContext().setSessionTimeout((int) Duration.ofDays(8).toSeconds());
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot make the baseline server context: " + e.getMessage(), e);
    }
    SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory()
        .createServerSocket(0, 1024, InetAddress.getLoopbackAddress());
    SSLParameters serverParams = new SSLParameters(new String[] {s.suite()}, new String[] {s.protocol()});
    serverParams.setNamedGroups(s.group().split(","));
    serverParams.setUseCipherSuitesOrder(true);
    listener.setSSLParameters(serverParams);
    Thread.ofPlatform().daemon().name("bench-jdk-accept").start(() -> {
      while (!listener.isClosed()) {
        try {
          Socket socket = listener.accept();
          Thread.ofVirtual().start(() -> {
            try (socket) {
              socket.setTcpNoDelay(true);
              socket.setSoTimeout(TIMEOUT_MILLIS);
              serve(socket.getInputStream(), socket.getOutputStream());
            } catch (IOException ignored) {
              // the client went away; the measurement on its side reports what matters
            }
          });
        } catch (IOException e) {
          return;
        }
      }
    });
    return new Server(listener.getLocalPort(), listener);
  }

  /** A raw SunJSSE client socket: PKIX trust manager, HTTPS endpoint identification, SNI. */
  private static Client jdkClient(Pki pki, Settings s) {
    SSLContext clientContext;
    try {
      KeyStore anchors = KeyStore.getInstance("PKCS12");
      anchors.load(null, null);
      anchors.setCertificateEntry("ca", pki.ca().certificate());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(anchors);
      clientContext = SSLContext.getInstance("TLS", "SunJSSE");
      clientContext.init(null, tmf.getTrustManagers(), null);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("the JDK cannot make the baseline client context: " + e.getMessage(), e);
    }
    SSLParameters clientParams = new SSLParameters(new String[] {s.suite()}, new String[] {s.protocol()});
    clientParams.setNamedGroups(s.group().split(","));
    clientParams.setEndpointIdentificationAlgorithm("HTTPS");
    clientParams.setServerNames(List.of(new SNIHostName(PEER_NAME)));
    return port -> {
      SSLSocket ssl = (SSLSocket) clientContext.getSocketFactory().createSocket();
      try {
        ssl.setSSLParameters(clientParams);
        ssl.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MILLIS);
        ssl.setTcpNoDelay(true);
        ssl.setSoTimeout(TIMEOUT_MILLIS);
        ssl.startHandshake();
      } catch (IOException | RuntimeException e) {
        ssl.close();
        throw e;
      }
      return new ClientLink(ssl.getInputStream(), ssl.getOutputStream(), () -> ssl.getSession().getCipherSuite(),
          ssl);
    };
  }

  // The bench protocol. The client's first byte picks the exercise:
  //   'P' ping: the server answers 'p' and waits for the client to close (one handshake plus one round trip);
  //   'T' throughput: batches of [8-byte length][that many bytes], a zero length ends it, the server answers the
  //       8-byte total it received;
  //   'E' echo: every byte read is written back at once;
  //   'R' source: a 4-byte message size follows; the server writes messages of that size until the client closes;
  //   'G' an HTTP GET (from openssl s_time -www): the same tiny reply openssl s_server -WWW gives for a 3-byte file.
  public static final int PING = 'P';
  public static final int THROUGHPUT = 'T';
  public static final int ECHO = 'E';
  public static final int SOURCE = 'R';
  public static final int HTTP_GET = 'G';

  /** Serves one connection of the bench protocol. */
  public static void serve(InputStream in, OutputStream out) throws IOException {
    switch (in.read()) {
      case PING -> {
        out.write('p');
        out.flush();
        in.read();
      }
      case THROUGHPUT -> {
        DataInputStream data = new DataInputStream(in);
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        for (long batch = data.readLong(); batch > 0; batch = data.readLong()) {
          while (batch > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, batch));
            if (n < 0) throw new EOFException("client ended inside a batch");
            batch -= n;
            total += n;
          }
        }
        DataOutputStream reply = new DataOutputStream(out);
        reply.writeLong(total);
        reply.flush();
        in.read();
      }
      case ECHO -> {
        byte[] buf = new byte[1024]; // small: the idle-connection driver counts it as heap per connection
        for (int n = in.read(buf); n > 0; n = in.read(buf)) {
          out.write(buf, 0, n);
          out.flush();
        }
      }
      case SOURCE -> {
        byte[] message = new byte[new DataInputStream(in).readInt()];
        while (true) {
          out.write(message);
          out.flush();
        }
      }
      case HTTP_GET -> {
        int seen = 0; // bytes of "\r\n\r\n" matched so far; the request is bounded like every other read
        for (int i = 0; seen < 4 && i < 8192; i++) {
          int b = in.read();
          if (b < 0) return;
          seen = b == (seen % 2 == 0 ? '\r' : '\n') ? seen + 1 : b == '\r' ? 1 : 0;
        }
        out.write("HTTP/1.0 200 ok\r\nContent-type: text/plain\r\n\r\nok\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
      default -> { }
    }
  }
}
