package dev.tlskit.pop3;

/** One message of a drop: its number in this session and its size in octets. */
public record Pop3Listing(int number, long size) {}
