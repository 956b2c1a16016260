package dev.tlskit.nativetls.internal;

import java.security.Provider;
import java.util.List;

/** The JSSE provider of the native engine: "SSLContext" TLS, TLSv1.2 and TLSv1.3, each a {@link NativeContextSpi}. */
public final class NativeProvider extends Provider {
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
}
