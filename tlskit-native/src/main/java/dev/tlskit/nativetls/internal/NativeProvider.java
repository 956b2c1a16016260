package dev.tlskit.nativetls.internal;

import dev.tlskit.internal.tls.ProviderHook;
import java.security.Provider;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

/**
 * The JSSE provider of the native engine: "SSLContext" TLS, TLSv1.2 and TLSv1.3, each a {@link NativeContextSpi}.
 *
 * <p>As core's {@link ProviderHook} it says which groups BoringSSL can offer (X25519MLKEM768 among them) and, for a
 * policy whose groups BoringSSL offers are hybrids only (what {@code PostQuantum.require} makes on this provider),
 * checks after each handshake that BoringSSL negotiated one: BoringSSL offers and accepts only the listed groups, so
 * the check confirms its answer rather than adding a rule.
 */
public final class NativeProvider extends Provider implements ProviderHook {
  private static final long serialVersionUID = 1L;

  /** The one instance. */
  public static final NativeProvider INSTANCE = new NativeProvider();

  private NativeProvider() {
    super("TlsKitNative", "1.0", "TlsKit's native TLS: BoringSSL (netty-tcnative) under layered sockets");
    for (String algorithm : List.of("TLS", "TLSv1.2", "TLSv1.3")) {
      // newInstance is overridden: the SPI's package is not exported, so the JDK could not construct it by name.
      putService(new Service(this, "SSLContext", algorithm, NativeContextSpi.class.getName(), null, null) {
        @Override
        public Object newInstance(Object constructorParameter) {
          return new NativeContextSpi();
        }
      });
    }
  }

  @Override
  public String refuseGroups(List<String> groups) {
    return NativeGroups.refuse(groups);
  }

  @Override
  public void configure(SSLSocket socket, List<String> groups) {
    if (socket instanceof NativeSocket s && NativeGroups.hybridOnly(groups)) s.requireHybrid(groups);
  }

  @Override
  public void checkHandshake(SSLSocket socket) throws SSLHandshakeException {
    if (socket instanceof NativeSocket s) s.checkHybrid();
  }

  /**
   * A {@link NativeSocket} writes its records from the direct buffer BoringSSL encrypted into straight to the socket's
   * channel, where there is one (two copies fewer per record than through a socket's stream).
   */
  @Override
  public boolean wantsChannel() {
    return true;
  }

  /** BoringSSL enforces the group list wherever the policy's parameters are applied: nothing rests on the check. */
  @Override
  public String refuseBareContext() {
    return null;
  }
}
