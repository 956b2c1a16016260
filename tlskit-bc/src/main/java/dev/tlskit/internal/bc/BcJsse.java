package dev.tlskit.internal.bc;

import dev.tlskit.internal.tls.ProviderHook;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.jsse.BCSSLParameters;
import org.bouncycastle.jsse.BCSSLSocket;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.crypto.TlsSecret;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/**
 * THE BouncyCastle JSSE provider of TlsKit: FTPS on TLS 1.2 (session resumption on data connections) and the
 * post-quantum hybrid groups use it. Its cryptography comes from the JDK ({@link JdkFirstHelper}; ML-KEM from a private
 * BouncyCastle provider); it is never registered in the JVM, only handed to policies.
 *
 * <p>As core's {@link ProviderHook} it says which groups it can offer, sends its early key shares for the first
 * hybrid group (BouncyCastle's own default is x25519 whenever listed, so a server that also speaks x25519 would pick
 * it without a retry), and, in the instance that {@linkplain #requiringHybrid() requires} a hybrid group, refuses a
 * completed handshake whose key exchange was not one: bctls enables an ECDSA signature scheme only when its curve is
 * among the groups (RFC 8422 for TLS 1.2, applied to TLS 1.3 too), so such a policy lists secp256r1 and secp384r1
 * after the hybrids, and a server without hybrid support could choose one of them.
 */
public final class BcJsse extends BouncyCastleJsseProvider implements ProviderHook {
  /** The hybrid groups bctls offers, in TlsKit's order of preference (IANA names, as bctls spells them). */
  public static final List<String> HYBRID_GROUPS = List.of("X25519MLKEM768", "SecP256r1MLKEM768", "SecP384r1MLKEM1024");

  /** Whether the key exchange of the handshake running on this thread combined a KEM with ECDH (bctls is blocking). */
  private static final ThreadLocal<Boolean> HYBRID_USED = new ThreadLocal<>();

  private final boolean requireHybrid;
  private final Set<String> groups;

  private BcJsse(boolean requireHybrid) {
    super(false, new Crypto());
    this.requireHybrid = requireHybrid;
    this.groups = supportedGroups();
  }

  /**
   * bctls logs every connection's opening and closing at INFO, and each alert, through java.util.logging, whose
   * default console handler prints INFO: in library use, a line per connection on the application's console. Unless
   * the application configured the level of {@code org.bouncycastle.jsse} itself, it is WARNING (held here:
   * java.util.logging keeps loggers weakly). Failures still reach the caller as exceptions.
   */
  private static final Logger JSSE_LOG = Logger.getLogger("org.bouncycastle.jsse");

  static {
    if (JSSE_LOG.getLevel() == null) JSSE_LOG.setLevel(Level.WARNING);
  }

  private static final class Holder {
    static final BcJsse OFFER = quietly(false);
    static final BcJsse REQUIRE = quietly(true);
  }

  /** Returns the provider: classical groups, and hybrid ones where a policy lists them (offered first). */
  public static BcJsse provider() {
    return Holder.OFFER;
  }

  /** Returns the provider instance that refuses every handshake whose key exchange was not a hybrid group. */
  public static BcJsse requiringHybrid() {
    return Holder.REQUIRE;
  }

  /** Returns true when {@code group} is a post-quantum hybrid group bctls knows (case-insensitive). */
  public static boolean isHybrid(String group) {
    return HYBRID_GROUPS.stream().anyMatch(h -> h.equalsIgnoreCase(group));
  }

  /** Returns true when this instance refuses a classical key exchange. */
  public boolean requiresHybrid() {
    return requireHybrid;
  }

  /** Returns the groups this provider can negotiate with the JDK's cryptography, in lower case. */
  public Set<String> namedGroups() {
    return groups;
  }

  @Override
  public String refuseGroups(List<String> policyGroups) {
    List<String> unknown = new ArrayList<>();
    for (String g : policyGroups) {
      if (!groups.contains(g.toLowerCase(Locale.ROOT))) unknown.add(g);
    }
    if (!unknown.isEmpty()) {
      return "BouncyCastle's JSSE provider (bctls) cannot offer " + unknown + "; it can offer " + groups;
    }
    if (requireHybrid && policyGroups.stream().noneMatch(BcJsse::isHybrid)) {
      return "the provider requires a post-quantum hybrid group (" + HYBRID_GROUPS + ") but the list has none;"
          + " use dev.tlskit.bc.PostQuantum.require(policy) or drop the requirement";
    }
    return null;
  }

  @Override
  public String refuseBareContext() {
    return requireHybrid ? "a policy from PostQuantum.require is enforced by TlsClient and TlsServer after each"
        + " handshake; a bare SSLContext or socket factory in another library would connect on a classical group"
        + " without a word: use TlsClient/TlsServer (or PostQuantum.offer, which has no such rule)" : null;
  }

  @Override
  public void configure(SSLSocket socket, List<String> policyGroups) {
    HYBRID_USED.remove();
    if (!socket.getUseClientMode() || !(socket instanceof BCSSLSocket bc)) return;
    String hybrid = policyGroups.stream().filter(BcJsse::isHybrid).findFirst().orElse(null);
    if (hybrid == null) return; // bctls's default: one x25519 (or secp256r1) key share
    List<String> shares = new ArrayList<>(List.of(hybrid));
    if (!requireHybrid) {
      // a classical share too, as browsers send: a server without hybrid support answers at once, without a retry
      policyGroups.stream().filter(g -> !isHybrid(g)).findFirst().ifPresent(shares::add);
    }
    BCSSLParameters p = bc.getParameters();
    p.setEarlyKeyShares(shares.toArray(String[]::new));
    bc.setParameters(p);
  }

  @Override
  public void checkHandshake(SSLSocket socket) throws SSLHandshakeException {
    boolean hybrid = Boolean.TRUE.equals(HYBRID_USED.get());
    HYBRID_USED.remove();
    if (requireHybrid && !hybrid) {
      throw new SSLHandshakeException("insufficient_security: post-quantum key exchange required, but "
          + socket.getRemoteSocketAddress() + " negotiated a classical group; the policy offers "
          + HYBRID_GROUPS.stream().filter(g -> groups.contains(g.toLowerCase(Locale.ROOT))).toList()
          + " (PostQuantum.require): the peer supports none of them");
    }
  }

  /** Creates the provider with BouncyCastle's one-time warnings about JDK-only syntax silenced (see below). */
  private static BcJsse quietly(boolean requireHybrid) {
    // bctls reads jdk.tls.disabledAlgorithms and jdk.certpath.disabledAlgorithms once per JVM, and warns about the
    // entries written in syntax only the JDK understands ("rsa_pkcs1_sha1 usage HandshakeSignature", "SHA1 jdkCA &
    // usage TLSServer", "denyAfter"). None matters to TlsKit: its policies never offer SHA-1 signature schemes
    // (TlsPolicy refuses them), and its own validator judges certificates. The logger is held while its level is
    // raised, so the level is the one bctls logs through; it is restored afterwards for whatever else it logs.
    Logger log = Logger.getLogger("org.bouncycastle.jsse.provider.DisabledAlgorithmConstraints");
    Level before = log.getLevel();
    log.setLevel(Level.SEVERE);
    try {
      BcJsse p = new BcJsse(requireHybrid);
      SSLContext.getInstance("TLS", p).init(null, null, new SecureRandom()); // loads the constraints now
      return p;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up BouncyCastle's JSSE provider: " + e.getMessage(), e);
    } finally {
      log.setLevel(before);
    }
  }

  private static Set<String> supportedGroups() {
    JcaTlsCrypto crypto = new Crypto().create(new SecureRandom());
    Set<String> names = new TreeSet<>();
    int[] candidates = {NamedGroup.x25519, NamedGroup.x448, NamedGroup.secp256r1, NamedGroup.secp384r1,
        NamedGroup.secp521r1, NamedGroup.ffdhe2048, NamedGroup.ffdhe3072, NamedGroup.ffdhe4096, NamedGroup.ffdhe6144,
        NamedGroup.ffdhe8192, NamedGroup.X25519MLKEM768, NamedGroup.SecP256r1MLKEM768, NamedGroup.SecP384r1MLKEM1024};
    for (int g : candidates) {
      boolean ok = NamedGroup.refersToASpecificHybrid(g)
          ? crypto.hasNamedGroup(NamedGroup.getHybridFirst(g)) && crypto.hasNamedGroup(NamedGroup.getHybridSecond(g))
          : crypto.hasNamedGroup(g);
      if (ok) names.add(NamedGroup.getName(g).toLowerCase(Locale.ROOT));
    }
    return Set.copyOf(names);
  }

  /** The JDK's cryptography through {@link JdkFirstHelper}; records on the handshake's thread a hybrid secret. */
  private static final class Crypto extends JcaTlsCryptoProvider {
    @Override
    public JcaTlsCrypto create(SecureRandom random) {
      return create(random, random);
    }

    // The JDK has no SecureRandom named "DEFAULT", which bctls asks for when SSLContext.init gets none.
    @Override
    public JcaTlsCrypto create(SecureRandom keyRandom, SecureRandom nonceRandom) {
      return new JcaTlsCrypto(new JdkFirstHelper(), keyRandom != null ? keyRandom : new SecureRandom(),
          nonceRandom != null ? nonceRandom : new SecureRandom()) {
        @Override
        public TlsSecret createHybridSecret(TlsSecret first, TlsSecret second) {
          HYBRID_USED.set(Boolean.TRUE);
          return super.createHybridSecret(first, second);
        }
      };
    }
  }
}
