package dev.tlskit.pop3;

/** The answer to STAT: how many messages the drop holds and their total size in octets. */
public record Pop3Stat(int count, long size) {}
