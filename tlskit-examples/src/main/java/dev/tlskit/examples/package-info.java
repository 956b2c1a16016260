/**
 * The examples of docs/guide.md. Each region between {@code // guide:NAME} and {@code // guide:end} is printed in the
 * guide verbatim ({@code GuideMatchesExamplesTest} checks it), and each example is run by a test against a loopback
 * server.
 */
package dev.tlskit.examples;
