package dev.tlskit.internal.mail;

import dev.tlskit.SecurityInfo;
import dev.tlskit.TlsConnection;
import dev.tlskit.sasl.ChannelBinding;
import dev.tlskit.sasl.ChannelBindingException;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.PSSParameterSpec;
import java.util.Locale;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.bouncycastle.jsse.BCSSLSocket;

/**
 * Computes the channel-binding data of a TLS connection: tls-server-end-point (RFC 5929) from the server's leaf
 * certificate, tls-exporter (RFC 9266) from the TLS 1.3 exporter. The library targets Java 21, whose JSSE has no
 * exporter; {@code ExtendedSSLSession.exportKeyingMaterialData} (JDK 25+) is called reflectively when present.
 * BouncyCastle's JSSE (1.83) offers no exporter after the handshake, so its connections bind with the end point.
 */
final class ChannelBindings {
  /** RFC 9266 section 2: the label, an empty context and 32 bytes. */
  static final String EXPORTER_LABEL = "EXPORTER-Channel-Binding";
  static final int EXPORTER_LENGTH = 32;
  private static final Method JDK_EXPORTER = jdkExporter();

  private ChannelBindings() {}

  /** Returns the type to use when none was asked for: tls-exporter when it can be computed, else the end point. */
  static ChannelBinding defaultType(TlsConnection conn) {
    try {
      data(ChannelBinding.TLS_EXPORTER, conn);
      return ChannelBinding.TLS_EXPORTER;
    } catch (ChannelBindingException e) {
      return ChannelBinding.TLS_SERVER_END_POINT;
    }
  }

  /**
   * Returns the binding data of {@code type} on {@code conn}.
   *
   * @throws ChannelBindingException ({@code UNAVAILABLE}) when it cannot be computed here
   */
  static byte[] data(ChannelBinding type, TlsConnection conn) throws ChannelBindingException {
    SSLSession session = conn.isTls() ? conn.sslSession() : null;
    if (session == null) throw unavailable(type, "the connection is not encrypted");
    return switch (type) {
      case TLS_SERVER_END_POINT -> serverEndPoint(leaf(conn, session));
      case TLS_EXPORTER -> exporter(conn, session);
    };
  }

  /** Returns RFC 5929's tls-server-end-point: the certificate hashed with its signature's hash (or SHA-256). */
  static byte[] serverEndPoint(X509Certificate leaf) throws ChannelBindingException {
    String hash = endPointHash(leaf);
    try {
      return MessageDigest.getInstance(hash).digest(leaf.getEncoded());
    } catch (GeneralSecurityException e) {
      throw unavailable(ChannelBinding.TLS_SERVER_END_POINT, "cannot hash the server certificate with " + hash
          + ": " + e.getMessage());
    }
  }

  /** Returns the hash RFC 5929 section 4.1 names for the certificate's signature algorithm. */
  static String endPointHash(X509Certificate leaf) throws ChannelBindingException {
    String alg = leaf.getSigAlgName().toUpperCase(Locale.ROOT);
    if (alg.equals("RSASSA-PSS")) {
      try {
        AlgorithmParameters p = AlgorithmParameters.getInstance("RSASSA-PSS");
        p.init(leaf.getSigAlgParams());
        alg = p.getParameterSpec(PSSParameterSpec.class).getDigestAlgorithm().toUpperCase(Locale.ROOT)
            .replace("-", "") + "WITHRSA";
      } catch (GeneralSecurityException | IOException e) {
        throw unavailable(ChannelBinding.TLS_SERVER_END_POINT, "cannot read the RSASSA-PSS parameters of the"
            + " server certificate: " + e.getMessage());
      }
    }
    int with = alg.indexOf("WITH");
    String digest = with > 0 ? alg.substring(0, with).replace("-", "") : "";
    return switch (digest) {
      case "MD5", "SHA1", "SHA256" -> "SHA-256";
      case "SHA224" -> "SHA-224";
      case "SHA384" -> "SHA-384";
      case "SHA512" -> "SHA-512";
      case "SHA3224", "SHA3256", "SHA3384", "SHA3512" -> "SHA3-" + digest.substring(4);
      default -> throw unavailable(ChannelBinding.TLS_SERVER_END_POINT, "the server certificate is signed with "
          + leaf.getSigAlgName() + ", for which RFC 5929 defines no tls-server-end-point hash");
    };
  }

  private static byte[] exporter(TlsConnection conn, SSLSession session) throws ChannelBindingException {
    if (!"TLSv1.3".equals(session.getProtocol())) {
      // RFC 9266 section 3: over TLS 1.2 only with the extended master secret, which JSSE does not let us confirm
      throw unavailable(ChannelBinding.TLS_EXPORTER, "it needs TLS 1.3 and the connection negotiated "
          + session.getProtocol() + "; use tls-server-end-point");
    }
    if (conn.socket() instanceof BCSSLSocket) {
      // 1.83: its session's exportKeyingMaterialData is unimplemented, and BCSSLConnection.getChannelBinding
      // ("tls-exporter") works only inside the handshake-complete callback, which the JSSE layer does not expose
      throw unavailable(ChannelBinding.TLS_EXPORTER, "BouncyCastle's JSSE exports keying material only while the"
          + " handshake completes; use tls-server-end-point");
    }
    try {
      if (JDK_EXPORTER != null && session instanceof ExtendedSSLSession) {
        return (byte[]) JDK_EXPORTER.invoke(session, EXPORTER_LABEL, new byte[0], EXPORTER_LENGTH);
      }
    } catch (InvocationTargetException e) {
      throw unavailable(ChannelBinding.TLS_EXPORTER, "the TLS session refused to export keying material: "
          + e.getCause());
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw unavailable(ChannelBinding.TLS_EXPORTER, "the TLS session refused to export keying material: " + e);
    }
    throw unavailable(ChannelBinding.TLS_EXPORTER, "this Java runtime (" + Runtime.version().feature()
        + ") cannot export TLS keying material; JDK 25 or later can, else use tls-server-end-point");
  }

  private static X509Certificate leaf(TlsConnection conn, SSLSession session) throws ChannelBindingException {
    SecurityInfo info = conn.securityInfo();
    if (info != null && !info.peerChain().isEmpty()) return info.peerChain().get(0);
    try {
      Certificate[] chain = session.getPeerCertificates();
      if (chain.length > 0 && chain[0] instanceof X509Certificate x) return x;
    } catch (SSLPeerUnverifiedException e) {
      // fall through
    }
    throw unavailable(ChannelBinding.TLS_SERVER_END_POINT, "the server presented no X.509 certificate");
  }

  private static ChannelBindingException unavailable(ChannelBinding type, String why) {
    return new ChannelBindingException(ChannelBindingException.Reason.UNAVAILABLE, type,
        "no credential was sent: cannot compute channel binding " + type.wireName() + ": " + why, null, null);
  }

  private static Method jdkExporter() {
    try {
      return ExtendedSSLSession.class.getMethod("exportKeyingMaterialData", String.class, byte[].class, int.class);
    } catch (NoSuchMethodException e) {
      return null; // before JDK 25
    }
  }
}
