package dev.tlskit.internal.mail;

import dev.tlskit.ProtocolException;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.internal.io.PeerText;
import dev.tlskit.internal.starttls.Guards;
import dev.tlskit.sasl.ChannelBinding;
import dev.tlskit.sasl.ChannelBindingException;
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
  /** The channel binding a -PLUS login carries, else null. */
  private final ChannelBinding binding;
  private int challenges;
  private String serverDetail;

  private SaslSession(SaslMechanism mechanism, String user, char[] secret, TlsConnection conn, List<String> offered,
      ChannelBinding told) throws ChannelBindingException {
    this.mechanism = mechanism;
    this.user = user;
    this.secret = secret;
    this.host = conn.peerName();
    this.port = conn.remoteAddress().getPort();
    if (mechanism == SaslMechanism.SCRAM_SHA_256_PLUS) {
      binding = told != null ? told : ChannelBindings.defaultType(conn);
      scram = new Scram(user, secret, Scram.bound(binding.wireName()), ChannelBindings.data(binding, conn));
    } else {
      binding = null;
      scram = mechanism == SaslMechanism.SCRAM_SHA_256 ? new Scram(user, secret, plainScramHeader(conn, offered), null)
          : null;
    }
  }

  /**
   * Returns the GS2 header of a SCRAM login without binding (RFC 5802 section 6): {@code y} when this client could
   * have bound but the server did not offer -PLUS (a server that does support it then refuses: its offer was
   * stripped); {@code n} over plaintext, where nothing could be bound, or when -PLUS was offered and plain SCRAM was
   * asked for all the same (a {@code y} would then be refused).
   */
  private static String plainScramHeader(TlsConnection conn, List<String> offered) {
    if (offers(offered, SaslMechanism.SCRAM_SHA_256_PLUS) || !canBind(conn)) return Scram.NO_BINDING;
    return Scram.SERVER_OFFERED_NO_BINDING;
  }

  private static boolean canBind(TlsConnection conn) {
    try {
      ChannelBindings.data(ChannelBindings.defaultType(conn), conn);
      return true;
    } catch (ChannelBindingException e) {
      return false;
    }
  }

  /**
   * Chooses the mechanism: {@code told} when the server offers it, else the strongest one for the kind of secret;
   * then starts the session. Nothing is sent: a choice that fails throws before any credential leaves, and so does
   * a link that is not encrypted ({@link Guards#requireCredentialsAllowed}, naming {@code command}).
   *
   * @param told the mechanism asked for, or null for the strongest offered one for the kind of secret
   * @param token whether the secret is an OAuth 2.0 token (else a password); used when {@code told} is null
   * @param offered the mechanism names the server announced over the current link
   * @param binding the channel binding for SCRAM-SHA-256-PLUS, or null for {@link ChannelBinding}'s default
   * @throws MechanismNotOfferedException when the server does not offer it (or any)
   * @throws ChannelBindingException when SCRAM-SHA-256-PLUS was named and the binding cannot be computed
   */
  public static SaslSession choose(SaslMechanism told, boolean token, List<String> offered, String user,
      char[] secret, TlsConnection conn, TlsMode mode, String command, ChannelBinding binding)
      throws ProtocolException, TlsSecurityException {
    Guards.requireCredentialsAllowed(conn, mode, command);
    Guards.checkArgument("user", user);
    SaslMechanism m = told != null ? (offers(offered, told) ? told : null)
        : strongest(offered, token, conn).orElse(null);
    if (m == null) {
      throw new MechanismNotOfferedException(conn.peerName(),
          told != null ? told.wireName() : token ? "a token mechanism (OAUTHBEARER, XOAUTH2)"
              : "a password mechanism (SCRAM-SHA-256-PLUS, SCRAM-SHA-256, PLAIN, LOGIN, CRAM-MD5)",
          offered);
    }
    return start(m, offered, user, secret, conn, mode, command, binding);
  }

  /**
   * Returns the strongest mechanism of the kind asked for that the server offers and this link can carry: -PLUS
   * only over TLS, where there is a channel to bind to.
   */
  public static Optional<SaslMechanism> strongest(List<String> offered, boolean token, TlsConnection conn) {
    List<String> usable = conn.isTls() ? offered
        : offered.stream().filter(o -> !o.equalsIgnoreCase(SaslMechanism.SCRAM_SHA_256_PLUS.wireName())).toList();
    return SaslMechanism.strongest(usable, token);
  }

  /**
   * Starts a session with {@code mechanism}, whatever the server offers; OAUTHBEARER names the connection's peer
   * name and port. Like {@link #choose}, refuses a link that is not encrypted ({@link
   * Guards#requireCredentialsAllowed}, naming {@code command}): no mechanism, however it hides the secret, runs
   * where the server's offer may have been an attacker's.
   */
  public static SaslSession start(SaslMechanism mechanism, String user, char[] secret, TlsConnection conn,
      TlsMode mode, String command) throws ProtocolException, TlsSecurityException {
    return start(mechanism, List.of(), user, secret, conn, mode, command, null);
  }

  /**
   * Starts a session as {@link #start(SaslMechanism, String, char[], TlsConnection, TlsMode, String)} does, knowing
   * what the server {@code offered} (empty when unknown; SCRAM's GS2 header depends on whether -PLUS was offered)
   * and the channel {@code binding} for -PLUS (null for the default).
   *
   * @throws ChannelBindingException for -PLUS when the binding cannot be computed here (nothing is sent)
   */
  public static SaslSession start(SaslMechanism mechanism, List<String> offered, String user, char[] secret,
      TlsConnection conn, TlsMode mode, String command, ChannelBinding binding)
      throws ProtocolException, TlsSecurityException {
    Guards.requireCredentialsAllowed(conn, mode, command);
    Guards.checkArgument("user", user);
    if (user.indexOf(0) >= 0) throw new IllegalArgumentException("user must not contain NUL");
    return new SaslSession(mechanism, user, secret, conn, offered, binding);
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
      case SCRAM_SHA_256, SCRAM_SHA_256_PLUS -> Optional.of(base64(scram.clientFirst()));
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
      case SCRAM_SHA_256, SCRAM_SHA_256_PLUS:
        if (challenges == 1) return base64(scram.clientFinal(text));
        if (challenges == 2) {
          if (binding != null && Scram.bindingError(text)) {
            throw new ChannelBindingException(ChannelBindingException.Reason.REJECTED, binding, "SCRAM-SHA-256-PLUS:"
                + " the server reports " + PeerText.quote(text.substring(2)) + " for channel binding "
                + binding.wireName() + ": " + BINDING_ADVICE, null, null);
          }
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

  /** Returns the channel binding this login carries, or empty unless the mechanism is -PLUS. */
  public Optional<ChannelBinding> channelBinding() {
    return Optional.ofNullable(binding);
  }

  private static final String BINDING_ADVICE = "the server does not compute the same binding: it may not implement"
      + " that type (SCRAM does not negotiate it; try the other one), a TLS-terminating proxy may stand in front of"
      + " it, or someone in the middle holds this TLS session";

  /**
   * Returns the error for the server's refusal of this login: {@code refusal} (naming the command and the quoted
   * reply) with the server's error detail, if any; for a -PLUS login a {@link ChannelBindingException} ({@code
   * REJECTED}), since the refusal may be the binding's and not the password's.
   */
  public ProtocolException refused(String refusal, String replyCode, String replyText) {
    String message = refusal + serverDetail().map(d -> "; server detail " + PeerText.quote(d)).orElse("");
    if (binding == null) return new ProtocolException(message, replyCode, replyText, null);
    return new ChannelBindingException(ChannelBindingException.Reason.REJECTED, binding, message
        + "; the login was bound to the TLS channel with " + binding.wireName() + ": either the password is wrong or "
        + BINDING_ADVICE, replyCode, replyText);
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
