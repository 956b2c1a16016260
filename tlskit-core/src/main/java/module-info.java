/** TLS client and server sockets with implicit and explicit TLS. No dependency beyond the JDK. */
module dev.tlskit.core {
  requires java.naming; // LdapName, to read the CN of a certificate subject
  exports dev.tlskit;
  // Protocol clients in tlskit-protocols build on the line I/O machinery; nobody else may.
  exports dev.tlskit.internal.io to dev.tlskit.protocols;
  // The command line prints JSON with the same small writer the security info uses.
  exports dev.tlskit.internal.json to dev.tlskit.cli, dev.tlskit.bench.stacks;
  // The probe engine behind `tlskit probe`; not a library API.
  exports dev.tlskit.internal.probe to dev.tlskit.cli;
  // The one STARTTLS preamble, behind `tlskit connect --starttls` (and the probe, in this module).
  exports dev.tlskit.internal.starttls to dev.tlskit.cli;
}
