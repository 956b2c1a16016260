package dev.tlskit.nativetls;

import dev.tlskit.TlsPolicy;
import dev.tlskit.testing.AdapterPki;
import dev.tlskit.testing.JvmProxySettingsContract;

/** The JVM's proxy settings on the native engine's path: followed as on the JDK's (they were ignored). */
class NativeJvmProxySettingsTest extends JvmProxySettingsContract {
  @Override
  protected TlsPolicy policy() {
    return AdapterPki.TRUST_ROOT.toBuilder().provider(NativeTls.provider()).build();
  }
}
