/** SMTP, IMAP, POP3 and FTP/FTPS clients with implicit and explicit TLS. */
module dev.tlskit.protocols {
  requires transitive dev.tlskit.core;
}
