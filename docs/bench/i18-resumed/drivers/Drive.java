import dev.tlskit.bench.stacks.BenchMeasure;
import dev.tlskit.bench.stacks.BenchStacks;
import dev.tlskit.certs.KeyType;
import java.nio.file.*;

public class Drive {
  public static void main(String[] a) throws Exception {
    boolean tc = a[0].equals("t"), ts = a[1].equals("t"), resumed = a[2].equals("resumed");
    long warm = Long.parseLong(a[3]); int count = Integer.parseInt(a[4]);
    var s = new BenchStacks.Settings("TLSv1.3", "TLS_AES_128_GCM_SHA256", "x25519", KeyType.EC_P256, null);
    var pki = BenchStacks.Pki.create(KeyType.EC_P256);
    var stack = BenchStacks.mixed(pki, s, resumed, tc, ts);
    BenchMeasure.handshakes(stack, warm * 1000);
    System.out.println("READY " + ProcessHandle.current().pid()); System.out.flush();
    Path go = Path.of(a[5]);
    while (!Files.exists(go)) Thread.sleep(50);
    Thread.sleep(1000);
    long t0 = System.nanoTime();
    for (int i = 0; i < count; i++) {
      try (var link = stack.connect()) {
        link.out().write(BenchStacks.PING); link.out().flush();
        if (link.in().read() != 'p') throw new Exception("no pong");
      }
    }
    System.out.println("DONE " + (System.nanoTime() - t0) / 1e6 + " ms"); System.out.flush();
    Thread.sleep(1500);
    stack.close();
    System.exit(0);
  }
}
