import com.sun.management.ThreadMXBean;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsPolicy;
import dev.tlskit.Trust;
import dev.tlskit.ftp.FtpClient;
import dev.tlskit.ftp.FtpSession;
import dev.tlskit.ftp.TransferListener;
import dev.tlskit.ftp.TransferResult;
import dev.tlskit.nativetls.NativeTls;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * FTPS download and upload against one vsftpd, JDK provider (J) and native provider (N) in one JVM, taking turns
 * transfer by transfer in the order given (e.g. JNNJ), ROUNDS times. Per transfer: wall time, the calling thread's
 * CPU (all client-side TLS work of a transfer runs on it), the process's CPU, bytes allocated by the thread; per MB.
 *
 * <p>ORDER letters: J = JDK provider, N = native provider (EngineSocket), L = native provider with the prototype switch
 * {@code i18.layered} on (prototype-layered.patch.txt: data connections as layered NativeSockets, RecordIo).
 *
 * <p>Usage: FtpsAb PORT CERT.pem USER PASSWORD_ENV REMOTE SIZE_MiB ROUNDS ORDER [get|put|both]
 */
public final class FtpsAb {
  static final ThreadMXBean T = (ThreadMXBean) ManagementFactory.getThreadMXBean();
  static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  public static void main(String[] a) throws Exception {
    int port = Integer.parseInt(a[0]);
    TlsPolicy jdk = TlsPolicy.builder().trust(Trust.fromFile(Path.of(a[1]), null)).build();
    TlsPolicy nat = jdk.toBuilder().provider(NativeTls.provider()).build();
    char[] pw = System.getenv(a[3]).toCharArray();
    String remote = a[4];
    long size = Long.parseLong(a[5]) << 20;
    int rounds = Integer.parseInt(a[6]);
    String order = a[7];
    String what = a.length > 8 ? a[8] : "both";
    FtpSession j = FtpClient.builder().client(TlsClient.builder().policy(jdk).build()).build()
        .connect("127.0.0.1", port, "localhost");
    FtpSession n = FtpClient.builder().client(TlsClient.builder().policy(nat).build()).build()
        .connect("127.0.0.1", port, "localhost");
    j.login(a[2], pw);
    n.login(a[2], pw);
    System.out.println("# control J " + j.securityInfo().protocol() + " " + j.securityInfo().cipherSuite()
        + "; N " + n.securityInfo().protocol() + " " + n.securityInfo().cipherSuite());
    byte[] block = new byte[1 << 20];
    new Random(1).nextBytes(block);
    // warm-up
    for (FtpSession s : new FtpSession[] {j, n}) {
      for (int i = 0; i < 2; i++) {
        if (!what.equals("put")) s.retrieve(remote, OutputStream.nullOutputStream(), 0, TransferListener.NONE);
        if (!what.equals("get")) s.store("up.bin", source(block, size), TransferListener.NONE);
      }
    }
    for (int r = 0; r < rounds; r++) {
      for (char c : order.toCharArray()) {
        FtpSession s = c == 'J' ? j : n; // M: the same as N, the A/A control
        // L: the native session with the prototype switch on (data connections as layered NativeSockets, RecordIo)
        System.setProperty("i18.layered", Boolean.toString(c == 'L'));
        if (!what.equals("put")) {
          measure(c, "get", size, () -> s.retrieve(remote, OutputStream.nullOutputStream(), 0, TransferListener.NONE));
        }
        if (!what.equals("get")) {
          measure(c, "put", size, () -> s.store("up.bin", source(block, size), TransferListener.NONE));
        }
      }
    }
    j.quit();
    n.quit();
  }

  interface Op {
    TransferResult run() throws Exception;
  }

  static void measure(char who, String op, long size, Op o) throws Exception {
    long t0 = System.nanoTime();
    long c0 = T.getCurrentThreadCpuTime();
    long u0 = T.getCurrentThreadUserTime();
    long p0 = OS.getProcessCpuTime();
    long b0 = T.getCurrentThreadAllocatedBytes();
    TransferResult res = o.run();
    long t1 = System.nanoTime();
    long c1 = T.getCurrentThreadCpuTime();
    long u1 = T.getCurrentThreadUserTime();
    long p1 = OS.getProcessCpuTime();
    long b1 = T.getCurrentThreadAllocatedBytes();
    double mb = size / 1e6;
    System.out.printf(Locale.ROOT,
        "%c %s MB/s=%.1f thread_ms/MB=%.3f user_ms/MB=%.3f proc_ms/MB=%.3f alloc_B/MB=%.0f resumed=%s %s load=%s%n",
        who, op, mb / ((t1 - t0) / 1e9), (c1 - c0) / 1e6 / mb, (u1 - u0) / 1e6 / mb, (p1 - p0) / 1e6 / mb,
        (b1 - b0) / mb, res.protection().sessionResumed(), res.protection().mechanism().replace(' ', '_'),
        new String(java.nio.file.Files.readAllBytes(Path.of("/proc/loadavg"))).split(" ")[0]);
  }

  static InputStream source(byte[] block, long size) {
    return new InputStream() {
      long left = size;

      @Override
      public int read() {
        throw new UnsupportedOperationException();
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left == 0) return -1;
        int pos = (int) ((size - left) % block.length);
        int n = (int) Math.min(Math.min(len, left), block.length - pos);
        System.arraycopy(block, pos, b, off, n);
        left -= n;
        return n;
      }
    };
  }
}
