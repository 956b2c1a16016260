/**
 * FTP and FTPS client (RFC 959, 2228, 2428, 3659, 4217): {@link dev.tlskit.ftp.FtpClient} opens an
 * {@link dev.tlskit.ftp.FtpSession}, whose protected data connections resume the control connection's TLS session on
 * TLS 1.3 and 1.2 and report it per transfer in {@link dev.tlskit.ftp.DataProtection}. See
 * docs/ftps-session-reuse.md for how, and why two TLS providers are involved.
 */
package dev.tlskit.ftp;
