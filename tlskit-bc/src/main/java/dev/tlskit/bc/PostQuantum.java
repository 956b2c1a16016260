package dev.tlskit.bc;

import dev.tlskit.TlsPolicy;
import dev.tlskit.internal.bc.BcJsse;
import dev.tlskit.internal.tls.ProviderHook;
import java.util.ArrayList;
import java.util.List;

/**
 * Policies with post-quantum hybrid key exchange (X25519MLKEM768: ML-KEM-768 and X25519 combined, so that traffic
 * recorded today stays secret even from a future quantum computer, and at least as safe as X25519 alone). The JDK's
 * JSSE has no such group; these policies use BouncyCastle's JSSE provider, set up once by TlsKit (the JDK's own
 * cryptography; no provider registered in the JVM). Every other rule of the policy applies unchanged: validation
 * report, pins, client certificates, STARTTLS injection refusal.
 *
 * <p>Off by default: it moves the connection to another TLS implementation and adds about 1.2 KB to each ClientHello
 * and ServerHello (docs/guide.md, "Post-quantum key exchange", has the cost measured).
 *
 * <pre>{@code
 * TlsClient client = TlsClient.builder().policy(PostQuantum.offer(TlsPolicy.MODERN)).build();   // hybrid first
 * TlsServer server = TlsServer.builder(key).policy(PostQuantum.require(TlsPolicy.MODERN)).start(); // hybrid only
 * }</pre>
 *
 * <p>A policy whose provider negotiates the hybrid groups itself, the native engine ({@code tlskit-native}:
 * {@code TlsPolicy.builder().provider(NativeTls.provider())}), keeps that provider: select it first, then call these
 * methods. BoringSSL offers exactly the listed groups, so {@code require} there lists the hybrids alone, on TLS 1.3,
 * and BoringSSL's client resumes TLS 1.3 sessions (FTPS data connections). Replacing the provider of a policy from
 * {@code require} afterwards is refused by {@code TlsPolicy.Builder.provider}: the requirement would be lost.
 */
public final class PostQuantum {
  private PostQuantum() {}

  /**
   * Returns a copy of {@code policy} that offers X25519MLKEM768 first (with its early key share, and one for the
   * policy's first classical group) and the policy's own groups after it, through BouncyCastle's JSSE. A peer without
   * hybrid support gets a classical key exchange, as before.
   */
  public static TlsPolicy offer(TlsPolicy policy) {
    List<String> groups = new ArrayList<>(List.of(BcJsse.HYBRID_GROUPS.get(0)));
    for (String g : policy.namedGroups()) {
      if (!BcJsse.isHybrid(g)) groups.add(g);
    }
    if (ownHybrids(policy).isEmpty()) return policy.toBuilder().provider(BcJsse.provider()).namedGroups(groups).build();
    return policy.toBuilder().namedGroups(groups).build();
  }

  /**
   * Returns a copy of {@code policy} that accepts only a hybrid key exchange (X25519MLKEM768, SecP256r1MLKEM768,
   * SecP384r1MLKEM1024), on TLS 1.3 only (the hybrids do not exist below it). A peer that cannot do one fails the
   * handshake with a {@link dev.tlskit.TlsSecurityException} ({@code HANDSHAKE_FAILED}, {@code NO_SHARED_CIPHER}) that
   * says so; a connection never falls back to a classical group. secp256r1 and secp384r1 stay in the list after the
   * hybrids because BouncyCastle's JSSE enables an ECDSA signature scheme only when its curve is listed; a
   * handshake that ends on one of them is refused after it completes, before any application data.
   */
  public static TlsPolicy require(TlsPolicy policy) {
    List<String> own = ownHybrids(policy);
    return require(policy, own.isEmpty() ? BcJsse.HYBRID_GROUPS : own);
  }

  /**
   * Returns a copy of {@code policy} offering {@code groups} in that order (names as in {@code tlskit connect
   * --groups}). Without a hybrid group it is the policy with those groups. With hybrid groups only, it is
   * {@link #require} restricted to them. With both, the hybrids are offered as listed through BouncyCastle's JSSE
   * ({@link #offer}'s path), with secp256r1 and secp384r1 added last when absent: without them BouncyCastle's JSSE
   * accepts no ECDSA certificate.
   *
   * @throws IllegalArgumentException naming a group no provider here can offer
   */
  public static TlsPolicy withGroups(TlsPolicy policy, List<String> groups) {
    if (groups.stream().noneMatch(BcJsse::isHybrid)) return policy.toBuilder().namedGroups(groups).build();
    if (groups.stream().allMatch(BcJsse::isHybrid)) return require(policy, groups);
    if (!ownHybrids(policy).isEmpty()) return policy.toBuilder().namedGroups(groups).build();
    return policy.toBuilder().provider(BcJsse.provider()).namedGroups(withEcdsaCurves(groups)).build();
  }

  private static TlsPolicy require(TlsPolicy policy, List<String> hybrids) {
    if (!ownHybrids(policy).isEmpty()) {
      // the provider offers exactly these groups and accepts nothing else (its hook checks the result)
      return policy.toBuilder().protocols("TLSv1.3").namedGroups(hybrids).build();
    }
    return policy.toBuilder().provider(BcJsse.requiringHybrid()).protocols("TLSv1.3")
        .namedGroups(withEcdsaCurves(hybrids)).build();
  }

  /**
   * Returns the hybrid groups the policy's own provider negotiates, when it is one made for TlsKit other than
   * BouncyCastle's (the native engine); empty otherwise (the JDK's, BouncyCastle's: this class selects BouncyCastle).
   */
  private static List<String> ownHybrids(TlsPolicy policy) {
    if (!(policy.provider() instanceof ProviderHook h) || policy.provider() instanceof BcJsse) return List.of();
    return BcJsse.HYBRID_GROUPS.stream().filter(g -> h.refuseGroups(List.of(g)) == null).toList();
  }

  private static List<String> withEcdsaCurves(List<String> groups) {
    List<String> all = new ArrayList<>(groups);
    for (String curve : List.of("secp256r1", "secp384r1")) {
      if (all.stream().noneMatch(curve::equalsIgnoreCase)) all.add(curve);
    }
    return all;
  }

  /** Returns the post-quantum hybrid groups TlsKit can offer, in its order of preference. */
  public static List<String> hybridGroups() {
    return BcJsse.HYBRID_GROUPS;
  }

  /** Returns true when {@code group} names a post-quantum hybrid group (case-insensitive). */
  public static boolean isHybrid(String group) {
    return BcJsse.isHybrid(group);
  }

  /** Returns true when {@code policy} came from {@link #require}: it refuses a classical key exchange. */
  public static boolean isRequired(TlsPolicy policy) {
    if (policy.provider() instanceof BcJsse p) return p.requiresHybrid();
    return !ownHybrids(policy).isEmpty() && !policy.namedGroups().isEmpty()
        && policy.namedGroups().stream().allMatch(BcJsse::isHybrid);
  }
}
