/** SMTP, IMAP, POP3 and FTP/FTPS clients with implicit and explicit TLS. */
module dev.tlskit.protocols {
  requires transitive dev.tlskit.core;
  // FTPS: BouncyCastle JSSE resumes TLS 1.2 sessions on data connections, which the JDK cannot do against servers
  // that issue session tickets (docs/ftps-session-reuse.md). A hard requirement, not "static": without it FTPS to a
  // TLS 1.2 server could log in but never transfer a file, a failure nobody should discover in production.
  requires dev.tlskit.bc; // TlsKit's one BouncyCastle JSSE provider (brings org.bouncycastle.tls)
  // MimeMail composes MIME with Jakarta Mail; Angus Mail (runtime) provides its streams as a service.
  requires jakarta.mail;
  // FTP LIST parsing (dev.tlskit.internal.ftp.ListParser): Commons Net's entry parsers for Unix, Windows, VMS, MVS,
  // OS/400 and more. An automatic module; only its parsers are used, never its FTP client.
  requires org.apache.commons.net;

  exports dev.tlskit.smtp;
  exports dev.tlskit.imap;
  exports dev.tlskit.pop3;
  exports dev.tlskit.sasl;
  exports dev.tlskit.ftp;
  // The one STARTTLS path, for `tlskit connect --starttls` and the probe's preamble.
  exports dev.tlskit.internal.starttls to dev.tlskit.cli, dev.tlskit.probe;
  // The Commons Net adapter's FTPS client resumes TLS 1.2 sessions with the same BouncyCastle JSSE provider.
  exports dev.tlskit.internal.ftp to dev.tlskit.commonsnet;
}
