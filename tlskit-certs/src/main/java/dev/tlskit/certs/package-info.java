/** Builds throwaway PKI and reads and writes key material: PEM, PKCS#12, fingerprints, pins. */
package dev.tlskit.certs;
