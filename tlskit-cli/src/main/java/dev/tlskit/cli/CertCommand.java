package dev.tlskit.cli;

import picocli.CommandLine.Command;

/** {@code tlskit cert}: throwaway PKI. */
@Command(name = "cert", mixinStandardHelpOptions = true,
    description = "Create a CA, issue certificates, show certificate files.")
final class CertCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
