package dev.tlskit.examples;

import dev.tlskit.TlsPolicy;
import dev.tlskit.Trust;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** The JDK's {@link HttpClient} with a TlsKit policy. */
public final class Http {
  private Http() {}

  /** GETs {@code uri} with a client that verifies the server against {@code caPem}; returns the body. */
  public static String get(URI uri, Path caPem) throws IOException, InterruptedException {
    // guide:http
    TlsPolicy policy = TlsPolicy.builder().trust(Trust.fromFile(caPem, null)).build();
    HttpClient http = HttpClient.newBuilder()
        .sslContext(policy.sslContext())          // versions, suites, trust, pins, client certificate
        .sslParameters(policy.sslParameters())
        .connectTimeout(Duration.ofSeconds(10))
        .build();
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build();
    return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
    // guide:end
  }
}
