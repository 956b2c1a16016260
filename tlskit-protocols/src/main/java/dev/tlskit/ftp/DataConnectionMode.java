package dev.tlskit.ftp;

/** Who opens FTP data connections. */
public enum DataConnectionMode {
  /** The client connects to the server (EPSV, PASV as fallback on IPv4). Works through NAT and firewalls. */
  PASSIVE,
  /** The server connects back to the client (EPRT, PORT as fallback on IPv4). */
  ACTIVE
}
