package dev.tlskit;

import dev.tlskit.internal.net.TransportSocket;
import dev.tlskit.internal.tls.PolicyKeyManager;
import dev.tlskit.internal.trust.ReportingTrustManager;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.Socket;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLSocket;

/** For the ClientLadder driver only (classpath, same package): TlsKit's package-private client pieces. */
public final class LadderAccess {
  private LadderAccess() {}

  public static SNIHostName sni(TlsClient client, String peerName) {
    return client.sniFor(peerName);
  }

  public static ReportingTrustManager trustManager(TlsClient client) throws Exception {
    Field f = TlsClient.class.getDeclaredField("trustManager");
    f.setAccessible(true);
    return (ReportingTrustManager) f.get(client);
  }

  public static PolicyKeyManager keyManager(TlsClient client) throws Exception {
    Field f = TlsClient.class.getDeclaredField("keyManager");
    f.setAccessible(true);
    return (PolicyKeyManager) f.get(client);
  }

  /** A TlsConnection over an SSLSocket whose handshake is done, describing it as {@code info}. */
  public static TlsConnection connection(SSLSocket ssl, String peerName, SecurityInfo info, TlsClient client,
      TransportSocket transport) throws IOException {
    TlsConnection.Upgrader up = new TlsConnection.Upgrader() {
      @Override
      public SSLSocket handshake(Socket plain, String peer) {
        throw new UnsupportedOperationException();
      }

      @Override
      public SecurityInfo describe(SSLSocket socket, String peer) {
        return info;
      }

      @Override
      public TlsSecurityException refusal(SSLSocket socket, String peer, Throwable e) {
        return null;
      }

      @Override
      public IOException explain(SSLSocket socket, String peer, IOException failure) {
        return failure;
      }
    };
    return new TlsConnection(ssl, peerName, up, client, transport);
  }
}
