package dev.tlskit.imap;

import java.util.List;

/**
 * The server's mailbox namespaces from NAMESPACE (RFC 2342): the user's own, other users' and shared ones; each list
 * is empty when the server has none of that kind. Prefixes are decoded like mailbox names.
 */
public record Namespaces(List<Namespace> personal, List<Namespace> otherUsers, List<Namespace> shared) {
  public Namespaces {
    personal = List.copyOf(personal);
    otherUsers = List.copyOf(otherUsers);
    shared = List.copyOf(shared);
  }

  /**
   * One namespace: the prefix of its mailbox names ({@code ""}, {@code "INBOX."}, {@code "#shared/"}) and its
   * hierarchy delimiter (null when flat).
   */
  public record Namespace(String prefix, String delimiter) {}
}
