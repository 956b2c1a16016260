package dev.tlskit.internal.mail;

import dev.tlskit.ProtocolException;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.internal.io.PeerText;
import dev.tlskit.internal.starttls.Guards;
import dev.tlskit.sasl.MechanismNotOfferedException;
import dev.tlskit.sasl.SaslMechanism;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One SASL login, independent of the protocol that frames it: the initial response, the answer to each server
 * challenge and the check on success. SMTP, IMAP and POP3 differ only in how they carry these base64 lines.
 */
public final class SaslSession {
  private final SaslMechanism mechanism;
  private final String user;
  private final char[] secret;
  private final String host;
  private final int port;
  private final Scram scram;
  private int challenges;
  private String serverDetail;

  private SaslSession(SaslMechanism mechanism, String user, char[] secret, String host, int port) {
    this.mechanism = mechanism;
    this.user = user;
    this.secret = secret;
    this.host = host;
    this.port = port;
    this.scram = mechanism == SaslMechanism.SCRAM_SHA_256 ? new Scram(user, secret) : null;
  }

  /**
   * Chooses the mechanism: {@code told} when the server offers it, else the strongest one for the kind of secret;
   * then starts the session. Nothing is sent: a choice that fails throws before any credential leaves, and so does
   * a link that is not encrypted ({@link Guards#requireCredentialsAllowed}, naming {@code command}).
   *
   * @param told the mechanism asked for, or null for the strongest offered one for the kind of secret
   * @param token whether the secret is an OAuth 2.0 token (else a password); used when {@code told} is null
   * @param offered the mechanism names the server announced over the current link
   * @throws MechanismNotOfferedException when the server does not offer it (or any)
   */
  public static SaslSession choose(SaslMechanism told, boolean token, List<String> offered, String user,
      char[] secret, TlsConnection conn, TlsMode mode, String command)
      throws MechanismNotOfferedException, TlsSecurityException {
    Guards.requireCredentialsAllowed(conn, mode, command);
    Guards.checkArgument("user", user);
    SaslMechanism m = told != null ? (offers(offered, told) ? told : null)
        : SaslMechanism.strongest(offered, token).orElse(null);
    if (m == null) {
      throw new MechanismNotOfferedException(conn.peerName(),
          told != null ? told.wireName() : token ? "a token mechanism (OAUTHBEARER, XOAUTH2)"
              : "a password mechanism (SCRAM-SHA-256, PLAIN, LOGIN, CRAM-MD5)",
          offered);
    }
    return start(m, user, secret, conn, mode, command);
  }

  /**
   * Starts a session with {@code mechanism}, whatever the server offers; OAUTHBEARER names the connection's peer
   * name and port. Like {@link #choose}, refuses a link that is not encrypted ({@link
   * Guards#requireCredentialsAllowed}, naming {@code command}): no mechanism, however it hides the secret, runs
   * where the server's offer may have been an attacker's.
   */
  public static SaslSession start(SaslMechanism mechanism, String user, char[] secret, TlsConnection conn,
      TlsMode mode, String command) throws TlsSecurityException {
    Guards.requireCredentialsAllowed(conn, mode, command);
    Guards.checkArgument("user", user);
    if (user.indexOf(0) >= 0) throw new IllegalArgumentException("user must not contain NUL");
    return new SaslSession(mechanism, user, secret, conn.peerName(), conn.remoteAddress().getPort());
  }

  /** Returns true when {@code offered} holds the mechanism's name, in any case. */
  public static boolean offers(List<String> offered, SaslMechanism m) {
    return offered.stream().anyMatch(m.wireName()::equalsIgnoreCase);
  }

  /** Returns the mechanism. */
  public SaslMechanism mechanism() {
    return mechanism;
  }

  /** Returns the initial response in base64, or empty for mechanisms that wait for the server (LOGIN, CRAM-MD5). */
  public Optional<String> initialResponse() {
    return switch (mechanism) {
      case PLAIN -> Optional.of(Sasl.plain(user, secret));
      case XOAUTH2 -> Optional.of(Sasl.xoauth2(user, secret));
      case OAUTHBEARER -> Optional.of(Sasl.oauthBearer(user, host, port, secret));
      case SCRAM_SHA_256 -> Optional.of(base64(scram.clientFirst()));
      case LOGIN, CRAM_MD5 -> Optional.empty();
    };
  }

  /**
   * Returns the base64 answer to a server challenge (base64, as the server sent it) that arrived after the initial
   * response, if any, was sent.
   *
   * @throws TlsSecurityException when a SCRAM server's signature is wrong
   * @throws ProtocolException when the challenge makes no sense for the mechanism; the caller cancels the exchange
   */
  public String answer(String challenge) throws ProtocolException, TlsSecurityException {
    challenges++;
    String text = decode(challenge);
    switch (mechanism) {
      case LOGIN:
        if (challenges == 1) return Sasl.base64(user);
        if (challenges == 2) return Sasl.base64(secret);
        break;
      case CRAM_MD5:
        if (challenges == 1) return cramMd5(text);
        break;
      case SCRAM_SHA_256:
        if (challenges == 1) return base64(scram.clientFinal(text));
        if (challenges == 2) {
          scram.verifyServerFinal(text);
          return "";
        }
        break;
      case XOAUTH2:
        serverDetail = text; // an error report in JSON; the exchange ends with an empty response
        return "";
      case OAUTHBEARER:
        serverDetail = text; // RFC 7628 3.2.2: an error in JSON, answered with a lone %x01
        return base64("\u0001");
      default:
        break;
    }
    throw new ProtocolException("unexpected " + mechanism.wireName() + " challenge: " + PeerText.quote(text));
  }

  /**
   * Confirms the server's success report: SCRAM's success only counts once the server has proved itself.
   *
   * @throws TlsSecurityException when a SCRAM server reported success without its signature
   */
  public void succeeded() throws TlsSecurityException {
    if (scram != null) scram.requireVerified();
  }

  /** Sends the SASL cancel ("*"). */
  @FunctionalInterface
  public interface Cancel {
    void send() throws IOException;
  }

  /**
   * Cancels an exchange after {@code reason}; if the cancel itself fails, that failure is added to {@code reason}
   * as suppressed, since the reason to cancel is what the caller must see.
   */
  public static void cancel(IOException reason, Cancel cancel) {
    try {
      cancel.send();
    } catch (IOException e) {
      reason.addSuppressed(e);
    }
  }

  /** Returns what the server said in an error challenge (XOAUTH2, OAUTHBEARER), for the refusal message. */
  public Optional<String> serverDetail() {
    return Optional.ofNullable(serverDetail);
  }

  /** Returns the text of a base64 challenge; an empty challenge ("" or "=") is empty text. */
  private static String decode(String challenge) throws ProtocolException {
    String c = challenge.trim();
    if (c.isEmpty() || c.equals("=")) return "";
    try {
      return new String(Base64.getDecoder().decode(c), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ProtocolException("SASL challenge is not base64: " + PeerText.quote(challenge));
    }
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** RFC 2195: the user, a space, and the hex HMAC-MD5 of the challenge keyed with the password. */
  private String cramMd5(String challenge) {
    byte[] key = Sasl.utf8(secret);
    try {
      Mac mac = Mac.getInstance("HmacMD5");
      mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacMD5"));
      String digest = HexFormat.of().formatHex(mac.doFinal(challenge.getBytes(StandardCharsets.UTF_8)));
      return base64(user + " " + digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no HmacMD5", e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }
}
