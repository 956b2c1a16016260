package dev.tlskit.internal.ftp;

import dev.tlskit.ProtocolException;
import dev.tlskit.ftp.FtpReply;
import dev.tlskit.internal.io.PeerText;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and formats the data-connection addresses of PASV/EPSV replies (RFC 959, RFC 2428) and PORT/EPRT. */
public final class DataAddresses {
  private static final Pattern PASV = Pattern.compile(
      "(\\d{1,3}),(\\d{1,3}),(\\d{1,3}),(\\d{1,3}),(\\d{1,3}),(\\d{1,3})");
  // (<d><d><d>port<d>) with <d> any printable ASCII character except digits, the same one four times
  private static final Pattern EPSV = Pattern.compile("\\(([!-/:-~])\\1\\1(\\d{1,5})\\1\\)");

  private DataAddresses() {}

  /** Returns the address and port of a 227 reply. */
  public static InetSocketAddress parsePasv(FtpReply reply) throws ProtocolException {
    Matcher m = PASV.matcher(reply.text());
    if (reply.code() != 227 || !m.find()) throw malformed("PASV", reply);
    byte[] ip = new byte[4];
    for (int i = 0; i < 4; i++) ip[i] = (byte) octet(m.group(i + 1), reply);
    int port = octet(m.group(5), reply) * 256 + octet(m.group(6), reply);
    if (port == 0) throw malformed("PASV", reply);
    try {
      return new InetSocketAddress(InetAddress.getByAddress(ip), port);
    } catch (UnknownHostException e) {
      throw malformed("PASV", reply);
    }
  }

  /** Returns the port of a 229 reply. */
  public static int parseEpsv(FtpReply reply) throws ProtocolException {
    Matcher m = EPSV.matcher(reply.text());
    if (reply.code() != 229 || !m.find()) throw malformed("EPSV", reply);
    int port = Integer.parseInt(m.group(2));
    if (port < 1 || port > 65535) throw malformed("EPSV", reply);
    return port;
  }

  /**
   * Decides where to open a PASV data connection. The server's address is used only when it is the control
   * connection's peer; anything else (a private address behind NAT, or a foreign host, the FTP bounce attack) is
   * ignored in favour of the control peer, which is what the data connection must reach anyway.
   */
  public static InetSocketAddress pasvTarget(InetSocketAddress announced, InetAddress controlPeer) {
    return new InetSocketAddress(controlPeer, announced.getPort());
  }

  /** Returns true when a PASV reply named an address other than the control peer (worth a log line). */
  public static boolean isForeign(InetSocketAddress announced, InetAddress controlPeer) {
    return !announced.getAddress().equals(controlPeer);
  }

  /** Formats the argument of EPRT for a local address: {@code |1|192.0.2.1|5000|} or {@code |2|::1|5000|}. */
  public static String eprtArgument(InetAddress address, int port) {
    int family = address instanceof Inet6Address ? 2 : 1;
    String host = address.getHostAddress();
    int scope = host.indexOf('%');
    if (scope >= 0) host = host.substring(0, scope);
    return "|" + family + "|" + host + "|" + port + "|";
  }

  /** Formats the argument of PORT for a local IPv4 address: {@code h1,h2,h3,h4,p1,p2}. */
  public static String portArgument(Inet4Address address, int port) {
    byte[] a = address.getAddress();
    return (a[0] & 0xff) + "," + (a[1] & 0xff) + "," + (a[2] & 0xff) + "," + (a[3] & 0xff) + "," + (port >> 8) + ","
        + (port & 0xff);
  }

  private static int octet(String s, FtpReply reply) throws ProtocolException {
    int v = Integer.parseInt(s);
    if (v > 255) throw malformed("PASV", reply);
    return v;
  }

  private static ProtocolException malformed(String cmd, FtpReply reply) {
    return new ProtocolException("malformed " + cmd + " reply: " + PeerText.quote(reply.toString()),
        String.valueOf(reply.code()), reply.toString(), null);
  }
}
