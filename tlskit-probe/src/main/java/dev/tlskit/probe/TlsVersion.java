package dev.tlskit.probe;

/** The TLS versions a probe tries, each with its wire code and JSSE name. */
public enum TlsVersion {
  TLS_1_0(0x0301, "TLSv1"),
  TLS_1_1(0x0302, "TLSv1.1"),
  TLS_1_2(0x0303, "TLSv1.2"),
  TLS_1_3(0x0304, "TLSv1.3");

  private final int code;
  private final String jsseName;

  TlsVersion(int code, String jsseName) {
    this.code = code;
    this.jsseName = jsseName;
  }

  /** Returns the two-byte wire code (0x0303 for TLS 1.2). */
  int code() {
    return code;
  }

  /** Returns the JSSE name ("TLSv1.2"). */
  String jsseName() {
    return jsseName;
  }

  /** Returns the short display name ("TLS 1.2"). */
  public String display() {
    return "TLS 1." + (code - 0x0301);
  }

  /** Returns the version with this wire code, or null. */
  static TlsVersion of(int code) {
    for (TlsVersion v : values()) {
      if (v.code == code) return v;
    }
    return null;
  }
}
