package dev.tlskit.internal.mail;

import dev.tlskit.ProtocolException;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.internal.io.PeerText;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The client side of SCRAM-SHA-256 and SCRAM-SHA-256-PLUS (RFC 5802, RFC 7677): client-first, client-final with
 * the proof, and the check of the server's signature, without which the login does not count. The GS2 header says
 * whether the login is bound to the TLS channel: {@code p=TYPE,,} (-PLUS, the binding data goes into {@code c=}
 * and so into the proof), {@code y,,} (the client could bind but the server did not offer -PLUS: a server that did
 * offer it refuses such a login, which is how a stripped -PLUS offer is detected, RFC 5802 section 6) or {@code n,,}.
 */
final class Scram {
  /** RFC 7677 asks for at least 4096; fewer would only make an offline guess at the password cheaper. */
  static final int MIN_ITERATIONS = 4096;
  /** A bound on the work a server can make the client do. */
  static final int MAX_ITERATIONS = 10_000_000;
  /** GS2 header of a client that does not bind: over plaintext, or when told plain SCRAM although -PLUS is offered. */
  static final String NO_BINDING = "n,,";
  /** GS2 header of a client that could bind but was not offered -PLUS (RFC 5802 section 6). */
  static final String SERVER_OFFERED_NO_BINDING = "y,,";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] password;
  private final String gs2Header;
  private final byte[] channelBinding;
  private final String clientFirstBare;
  private final String clientNonce;
  private byte[] expectedServerSignature;
  private boolean verified;

  /**
   * Starts a login with {@code gs2Header} ({@link #NO_BINDING}, {@link #SERVER_OFFERED_NO_BINDING} or {@link
   * #bound}) and, for a bound one, the channel-binding data (else null).
   */
  Scram(String user, char[] password, String gs2Header, byte[] channelBinding) {
    this(user, password, gs2Header, channelBinding,
        Base64.getEncoder().withoutPadding().encodeToString(randomBytes(24)));
  }

  /** For test vectors: a fixed client nonce. */
  Scram(String user, char[] password, String gs2Header, byte[] channelBinding, String clientNonce) {
    if (gs2Header.startsWith("p=") != (channelBinding != null)) {
      throw new IllegalArgumentException("channel-binding data goes with a p= GS2 header and only with it: "
          + gs2Header);
    }
    this.gs2Header = gs2Header;
    this.channelBinding = channelBinding == null ? new byte[0] : channelBinding.clone();
    this.password = SaslPrep.prepare(new String(password)).getBytes(StandardCharsets.UTF_8);
    this.clientNonce = clientNonce;
    this.clientFirstBare = "n=" + saslName(SaslPrep.prepare(user)) + ",r=" + clientNonce;
  }

  /** Returns the GS2 header of a login bound with the channel-binding type {@code cbName} ("tls-exporter"). */
  static String bound(String cbName) {
    return "p=" + cbName + ",,";
  }

  /** Returns the GS2 header this login sends. */
  String gs2Header() {
    return gs2Header;
  }

  /** Returns the client-first message. */
  String clientFirst() {
    return gs2Header + clientFirstBare;
  }

  /**
   * Returns the client-final message for the server-first message.
   *
   * @throws ProtocolException when the server-first message is malformed or its nonce does not extend ours
   * @throws TlsSecurityException ({@code SERVER_PROOF_REJECTED}) when it asks for fewer than 4096 iterations
   */
  String clientFinal(String serverFirst) throws ProtocolException, TlsSecurityException {
    if (expectedServerSignature != null) throw new ProtocolException("SCRAM: a second server-first message");
    if (serverFirst.startsWith("m=")) {
      throw new ProtocolException("SCRAM: the server requires an extension we do not know: "
          + PeerText.quote(serverFirst));
    }
    String nonce = attribute(serverFirst, 0, 'r');
    byte[] salt;
    int iterations;
    try {
      salt = Base64.getDecoder().decode(attribute(serverFirst, 1, 's'));
      iterations = Integer.parseInt(attribute(serverFirst, 2, 'i'));
    } catch (IllegalArgumentException e) {
      throw new ProtocolException("SCRAM: malformed server-first message: " + PeerText.quote(serverFirst));
    }
    if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()) {
      throw new ProtocolException("SCRAM: the server's nonce does not extend ours: " + PeerText.quote(serverFirst));
    }
    if (iterations < MIN_ITERATIONS) {
      throw new TlsSecurityException(TlsSecurityException.Reason.SERVER_PROOF_REJECTED,
          "SCRAM: the server asks for " + iterations + " iterations, fewer than the " + MIN_ITERATIONS
              + " RFC 7677 requires; a proof made so cheaply would expose the password to offline guessing");
    }
    if (iterations > MAX_ITERATIONS) {
      throw new ProtocolException("SCRAM: the server asks for " + iterations + " iterations, more than "
          + MAX_ITERATIONS);
    }
    // c= is the GS2 header followed by the channel-binding data (none unless p=), so the proof covers both
    byte[] header = gs2Header.getBytes(StandardCharsets.US_ASCII);
    byte[] cbind = Arrays.copyOf(header, header.length + channelBinding.length);
    System.arraycopy(channelBinding, 0, cbind, header.length, channelBinding.length);
    String withoutProof = "c=" + Base64.getEncoder().encodeToString(cbind) + ",r=" + nonce;
    byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
    byte[] salted = hi(password, salt, iterations);
    byte[] clientKey = hmac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
    byte[] storedKey = sha256(clientKey);
    byte[] proof = hmac(storedKey, authMessage);
    for (int i = 0; i < proof.length; i++) proof[i] ^= clientKey[i];
    expectedServerSignature = hmac(hmac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII)), authMessage);
    Arrays.fill(salted, (byte) 0);
    Arrays.fill(clientKey, (byte) 0);
    Arrays.fill(password, (byte) 0);
    return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
  }

  /**
   * Checks the server-final message.
   *
   * @throws TlsSecurityException ({@code SERVER_PROOF_REJECTED}) when the server's signature is wrong
   * @throws ProtocolException when the server reports an error or the message is malformed
   */
  void verifyServerFinal(String serverFinal) throws ProtocolException, TlsSecurityException {
    if (expectedServerSignature == null) throw new ProtocolException("SCRAM: server-final before server-first");
    if (serverFinal.startsWith("e=")) {
      throw new ProtocolException("SCRAM: the server reports " + PeerText.quote(serverFinal.substring(2)));
    }
    byte[] signature;
    try {
      signature = Base64.getDecoder().decode(attribute(serverFinal, 0, 'v'));
    } catch (IllegalArgumentException e) {
      throw new ProtocolException("SCRAM: malformed server-final message: " + PeerText.quote(serverFinal));
    }
    if (!MessageDigest.isEqual(signature, expectedServerSignature)) {
      throw new TlsSecurityException(TlsSecurityException.Reason.SERVER_PROOF_REJECTED,
          "SCRAM: the server's signature is wrong: it does not know the password, or someone in the middle answered");
    }
    verified = true;
  }

  /**
   * Confirms, when the server reports success, that it proved itself.
   *
   * @throws TlsSecurityException ({@code SERVER_PROOF_REJECTED}) when success came without a verified signature
   */
  void requireVerified() throws TlsSecurityException {
    if (!verified) {
      throw new TlsSecurityException(TlsSecurityException.Reason.SERVER_PROOF_REJECTED,
          "SCRAM: the server reported success without proving it knows the password (no server signature)");
    }
  }

  /** Returns true when a server-final message is one of RFC 5802's errors about the channel binding. */
  static boolean bindingError(String serverFinal) {
    return serverFinal.equals("e=channel-bindings-dont-match") || serverFinal.equals("e=channel-binding-not-supported")
        || serverFinal.equals("e=unsupported-channel-binding-type");
  }

  /** Returns the value of attribute number {@code index}, which must be named {@code name}. */
  private static String attribute(String message, int index, char name) throws ProtocolException {
    String[] parts = message.split(",", -1);
    if (parts.length <= index || parts[index].length() < 2 || parts[index].charAt(0) != name
        || parts[index].charAt(1) != '=') {
      throw new ProtocolException("SCRAM: expected attribute " + name + " at position " + (index + 1) + " in "
          + PeerText.quote(message));
    }
    return parts[index].substring(2);
  }

  /** Escapes a user name for the n= attribute: ',' and '=' are the only specials (RFC 5802 section 5.1). */
  private static String saslName(String user) {
    return user.replace("=", "=3D").replace(",", "=2C");
  }

  /** Hi() of RFC 5802: PBKDF2 with HMAC-SHA-256 and one block. */
  private static byte[] hi(byte[] password, byte[] salt, int iterations) {
    Mac mac = mac(password);
    mac.update(salt);
    byte[] u = mac.doFinal(new byte[] {0, 0, 0, 1});
    byte[] result = u.clone();
    for (int i = 1; i < iterations; i++) {
      u = mac.doFinal(u);
      for (int j = 0; j < result.length; j++) result[j] ^= u[j];
    }
    return result;
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    return mac(key).doFinal(data);
  }

  private static Mac mac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      // an empty key is legal in HMAC; SecretKeySpec refuses it, so give it one zero byte (HMAC pads with zeros)
      mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no HmacSHA256", e);
    }
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  /** SASLprep (RFC 4013) as SCRAM needs it: the two mapping tables, NFKC, and a refusal of control characters. */
  static final class SaslPrep {
    private SaslPrep() {}

    static String prepare(String s) {
      StringBuilder sb = new StringBuilder(s.length());
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '\u00AD' || c == '\u034F' || c == '\u1806' || (c >= '\u180B' && c <= '\u180D')
            || (c >= '\u200B' && c <= '\u200D') || c == '\u2060' || (c >= '\uFE00' && c <= '\uFE0F')
            || c == '\uFEFF') {
          continue; // "commonly mapped to nothing" (RFC 3454 B.1)
        }
        if (c == '\u00A0' || c == '\u1680' || (c >= '\u2000' && c <= '\u200A') || c == '\u202F' || c == '\u205F'
            || c == '\u3000') {
          sb.append(' '); // non-ASCII space (C.1.2)
          continue;
        }
        if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)) {
          throw new IllegalArgumentException("SASLprep: user names and passwords must not hold control characters");
        }
        sb.append(c);
      }
      return Normalizer.normalize(sb, Normalizer.Form.NFKC);
    }
  }
}
