package dev.tlskit.internal.tls;

import dev.tlskit.TlsPolicy;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

/**
 * What a JSSE provider made for TlsKit (the BouncyCastle one of {@code tlskit-bc}) adds where the JDK's API has no
 * word for it: the groups it can negotiate, per-socket settings (early key shares), and a check of the completed
 * handshake. Core calls it for a policy whose {@link TlsPolicy#provider()} implements it; any other provider is used
 * through the JDK's API alone.
 */
public interface ProviderHook {
  /**
   * Returns true for a socket of the JDK's own provider (SunJSSE), whose documented behaviour TlsKit relies on where it
   * differs from other providers' (its half-close, its handling of unset parameters).
   */
  static boolean isJdkSocket(SSLSocket socket) {
    return socket.getClass().getName().equals("sun.security.ssl.SSLSocketImpl");
  }

  /** Returns null when this provider can offer {@code groups}, else why not (for the builder's message). */
  String refuseGroups(List<String> groups);

  /** Configures a client or server socket after the policy's parameters were set, before its handshake. */
  void configure(SSLSocket socket, List<String> groups);

  /**
   * Checks the handshake that just completed on {@code socket}, on the thread that ran it.
   *
   * @throws SSLHandshakeException when the handshake gave less than the provider was set up to require (the
   *     message says what; TlsKit's classifier reports it as a failed handshake)
   */
  void checkHandshake(SSLSocket socket) throws SSLHandshakeException;

  /**
   * Returns null when a context of this provider may be handed to code outside TlsKit (which never calls
   * {@link #checkHandshake}), else why not.
   */
  String refuseBareContext();

  /**
   * Refuses, for {@link TlsPolicy#sslContext()} and {@link TlsPolicy#socketFactory()}, a provider whose guarantee
   * rests on {@link #checkHandshake}, which code outside TlsKit would never call.
   *
   * @throws IllegalStateException saying why and what to use instead
   */
  static void requireUsableOutsideTlsKit(TlsPolicy policy) {
    if (policy.provider() instanceof ProviderHook h && h.refuseBareContext() != null) {
      throw new IllegalStateException(h.refuseBareContext());
    }
  }

  /**
   * Returns {@code next}, the provider a policy builder is given in place of {@code current}.
   *
   * @throws IllegalArgumentException when {@code current} enforces a rule of its own (a policy from
   *     {@code PostQuantum.require}): another provider would drop it without a word
   */
  static java.security.Provider replace(java.security.Provider current, java.security.Provider next) {
    if (current != next && current instanceof ProviderHook h && h.refuseBareContext() != null) {
      throw new IllegalArgumentException("provider " + next.getName() + " cannot replace " + current.getName()
          + ", which enforces the policy's post-quantum requirement (dev.tlskit.bc.PostQuantum.require): select the"
          + " provider first, then PostQuantum.require(policy)");
    }
    return next;
  }

  /**
   * True when this provider's sockets write records from direct buffers straight to a socket channel
   * ({@link dev.tlskit.internal.net.TransportSocket#write(java.nio.ByteBuffer)}): TlsKit then opens the TCP
   * connections of such a policy from socket channels. Default false (plain sockets).
   */
  default boolean wantsChannel() {
    return false;
  }

  /** True when the policy's provider is a hook that {@link #wantsChannel() wants socket channels}. */
  static boolean wantsChannel(TlsPolicy policy) {
    return policy.provider() instanceof ProviderHook h && h.wantsChannel();
  }

  /** Runs {@link #configure} when the policy's provider is a hook. */
  static void configure(TlsPolicy policy, SSLSocket socket) {
    if (policy.provider() instanceof ProviderHook h) h.configure(socket, policy.namedGroups());
  }

  /** Runs {@link #checkHandshake} when the policy's provider is a hook; closes the socket when it refuses. */
  static void check(TlsPolicy policy, SSLSocket socket) throws SSLHandshakeException {
    if (!(policy.provider() instanceof ProviderHook h)) return;
    try {
      h.checkHandshake(socket);
    } catch (SSLHandshakeException e) {
      try {
        socket.close();
      } catch (java.io.IOException ignored) {
        // refusing anyway
      }
      throw e;
    }
  }
}
