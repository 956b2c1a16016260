/** SMTP, IMAP, POP3 and FTP/FTPS clients with implicit and explicit TLS. */
module dev.tlskit.protocols {
  requires transitive dev.tlskit.core;

  exports dev.tlskit.smtp;
  exports dev.tlskit.imap;
  exports dev.tlskit.pop3;
}
