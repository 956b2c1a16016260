import dev.tlskit.ftp.testing.Proftpd;
import java.nio.file.*;
public class ProftpdCurl {
  public static void main(String[] a) throws Exception {
    Path dir = Files.createTempDirectory(Path.of("/tmp/i18-ftpsdata"), "pc");
    try (Proftpd p = Proftpd.start(dir, "TLSv1.3")) {
      for (String f : new String[] {"a", "b", "c", "d"}) Files.writeString(dir.resolve(f + ".txt"), f);
      Process c = new ProcessBuilder("curl", "-s", "-v", "--ssl-reqd", "--cacert", dir.resolve("cert.pem").toString(),
          "-u", Proftpd.USER + ":" + Proftpd.PASSWORD, "-T", "{a.txt,b.txt,c.txt,d.txt}",
          "ftp://localhost:" + p.port + "/").directory(dir.toFile()).redirectErrorStream(true).inheritIO().start();
      System.out.println("curl exit " + c.waitFor());
      System.out.println(p.tlsLog());
    }
  }
}
