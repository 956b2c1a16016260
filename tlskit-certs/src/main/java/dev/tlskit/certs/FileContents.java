package dev.tlskit.certs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.pkcs.PKCS12PfxPdu;

/** Reads certificate and key files with a size bound, writes secret files, and says what a file really holds. */
final class FileContents {
  /** Larger than any sane certificate bundle or keystore; refusing more keeps memory bounded. */
  static final int MAX_BYTES = 8 * 1024 * 1024;
  private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([^-\\r\\n]{1,64})-----");

  private FileContents() {}

  /** Returns the bytes of {@code file}, or throws a typed error naming it. */
  static byte[] read(Path file) throws CertificateFileException {
    String name = file.toString();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] data = in.readNBytes(MAX_BYTES + 1);
      if (data.length > MAX_BYTES) {
        throw CertificateFileException.wrongFormat(name, "a certificate, key or keystore file",
            "a file larger than " + MAX_BYTES / (1024 * 1024) + " MiB");
      }
      return data;
    } catch (NoSuchFileException e) {
      throw new CertificateFileException(name, CertificateFileException.Problem.UNREADABLE, "no such file", e);
    } catch (AccessDeniedException e) {
      throw new CertificateFileException(name, CertificateFileException.Problem.UNREADABLE, "permission denied", e);
    } catch (CertificateFileException e) {
      throw e;
    } catch (IOException e) {
      String why = Files.isDirectory(file) ? "is a directory, not a file" : "cannot read: " + e.getMessage();
      throw new CertificateFileException(name, CertificateFileException.Problem.UNREADABLE, why, e);
    }
  }

  /**
   * Writes {@code data} to {@code file}, replacing it, readable by the owner only (mode 0600 where POSIX). The data
   * goes to a new file beside it first, which then takes its name in one step, so that a reader (a server polling the
   * file) sees either the old content or the new, never a part, and never a moment with the secret less protected.
   */
  static void writeSecret(Path file, byte[] data) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path temp;
    try {
      temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    }
    try {
      Files.write(temp, data);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Refuses a secret file that other users may read or write, or its group write (where the file system has POSIX
   * permissions). Group read stays allowed: Debian's convention for private keys is mode 0640, group ssl-cert, for
   * the services that read them; {@link #writeSecret} writes 0600.
   */
  static void requireOwnerOnly(Path file, String what) throws CertificateFileException {
    Set<PosixFilePermission> perms;
    try {
      perms = Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException e) {
      return;
    } catch (IOException e) {
      throw new CertificateFileException(file.toString(), CertificateFileException.Problem.UNREADABLE,
          "cannot read its permissions: " + e.getMessage(), e);
    }
    Set<PosixFilePermission> exposed = EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.OTHERS_WRITE);
    exposed.retainAll(perms);
    if (!exposed.isEmpty()) {
      throw new CertificateFileException(file.toString(), CertificateFileException.Problem.EXPOSED, what
          + " must be neither readable nor writable by other users (nor writable by its group), but its mode is "
          + PosixFilePermissions.toString(perms)
          + "; run: chmod 600 " + file, null);
    }
  }

  /** Returns the PEM block types in {@code text}, in order. */
  static List<String> pemTypes(String text) {
    List<String> types = new ArrayList<>();
    Matcher m = BEGIN.matcher(text);
    while (m.find()) types.add(m.group(1));
    return types;
  }

  /** Returns whether the data looks like PEM text (has a BEGIN line). */
  static boolean isPem(byte[] data) {
    return BEGIN.matcher(latin1(data)).find();
  }

  /** Returns the bytes as ISO-8859-1 text (one char per byte), without a leading UTF-8 byte order mark. */
  static String latin1(byte[] data) {
    boolean bom = data.length >= 3 && (data[0] & 0xff) == 0xef && (data[1] & 0xff) == 0xbb && (data[2] & 0xff) == 0xbf;
    return bom ? new String(data, 3, data.length - 3, StandardCharsets.ISO_8859_1)
        : new String(data, StandardCharsets.ISO_8859_1);
  }

  /** Returns a short description of what {@code data} holds, for "expected X, found Y" messages. */
  static String describe(byte[] data) {
    if (data.length == 0 || latin1(data).isBlank()) return "an empty file";
    String text = latin1(data);
    List<String> types = pemTypes(text);
    if (types.size() == 1) return "a PEM '" + types.get(0) + "' block";
    if (!types.isEmpty()) return "PEM blocks " + String.join(", ", types.stream().map(t -> "'" + t + "'").toList());
    if ((data[0] & 0xff) == 0x30) {
      if (isDerCertificate(data)) return "a DER (binary) certificate";
      if (isPkcs12(data)) return "a PKCS#12 file";
      if (isDerPrivateKey(data)) return "a DER (binary) private key";
      return "binary DER data that is neither a certificate, a private key nor PKCS#12 (truncated or corrupt?)";
    }
    return looksLikeText(data) ? "text without any PEM block" : "binary data that is not DER";
  }

  static boolean isDerCertificate(byte[] data) {
    try {
      CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(data));
      return true;
    } catch (CertificateException | RuntimeException e) {
      return false;
    }
  }

  static boolean isPkcs12(byte[] data) {
    try {
      new PKCS12PfxPdu(data).getContentInfos();
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static boolean isDerPrivateKey(byte[] data) {
    try {
      return PrivateKeyInfo.getInstance(data) != null;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static boolean looksLikeText(byte[] data) {
    int n = Math.min(data.length, 512);
    for (int i = 0; i < n; i++) {
      int b = data[i] & 0xff;
      if (b < 0x09 || (b > 0x0d && b < 0x20) || b == 0x7f) return false;
    }
    return true;
  }
}
