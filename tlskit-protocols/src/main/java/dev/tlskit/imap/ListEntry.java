package dev.tlskit.imap;

import java.util.List;

/** One mailbox from LIST: its decoded name, hierarchy delimiter (null when flat) and attributes. */
public record ListEntry(String name, String delimiter, List<String> attributes) {
  public ListEntry {
    attributes = List.copyOf(attributes);
  }
}
