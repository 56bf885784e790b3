package cutover.activities.steps.approval;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * SSH signatures through {@code ssh-keygen -Y}: the format git uses for signed commits, and an
 * allowed-signers file of the same format ({@code alice ssh-ed25519 AAAA…}, see ssh-keygen(1)).
 * Every signature is made and checked in the {@link ApprovalEvidence#NAMESPACE} namespace.
 */
public final class SshSignatures {
  private static final long WAIT_SECONDS = 30;

  private SshSignatures() {}

  /** A process's exit code and what it wrote. */
  private record Ran(int exit, String out, String err) {}

  /**
   * Signs a message with a private key (a passphrase is asked on the terminal, or the key's agent
   * is used when {@code key} is a {@code .pub} file).
   *
   * @return the armored signature
   */
  public static String sign(Path key, String message) throws IOException {
    if (!Files.isReadable(key)) {
      throw new IOException("cannot read the key " + key);
    }
    Ran signed = run(message, "-Y", "sign", "-n", ApprovalEvidence.NAMESPACE, "-f", key.toString());
    if (signed.exit() != 0 || !signed.out().contains("BEGIN SSH SIGNATURE")) {
      throw new IOException("ssh-keygen could not sign with " + key + ": " + signed.err().strip());
    }
    return signed.out();
  }

  /**
   * Checks a signature over a message against an allowed-signers file.
   *
   * @param principal who the signer says they are; null: the one principal the signing key is allowed for
   */
  public static SignatureCheck verify(Path allowedSigners, String principal, String message, String signature)
      throws IOException {
    Path sig = Files.createTempFile("cutover-approval", ".sig");
    try {
      Files.writeString(sig, signature, StandardCharsets.UTF_8);
      String who = principal;
      if (who == null) {
        Ran found = run("", "-Y", "find-principals", "-s", sig.toString(), "-f", allowedSigners.toString());
        List<String> principals = found.exit() == 0 ? found.out().lines().map(String::strip)
            .filter(p -> !p.isEmpty()).toList() : List.of();
        if (principals.isEmpty()) {
          return SignatureCheck.refused("the key that signed is not in the worker's allowed signers (" + allowedSigners
              + ")" + reason(found));
        }
        if (principals.size() > 1) {
          return SignatureCheck.refused("the key that signed is allowed for several principals ("
              + String.join(", ", principals) + "): say which with --as");
        }
        who = principals.get(0);
      }
      Ran verified = run(message, "-Y", "verify", "-n", ApprovalEvidence.NAMESPACE, "-f", allowedSigners.toString(),
          "-I", who, "-s", sig.toString());
      if (verified.exit() != 0) {
        return SignatureCheck.refused("the signature does not verify as " + who + " over this approval (run, gate, "
            + "decision, plan version and findings) with the worker's allowed signers" + reason(verified));
      }
      return SignatureCheck.verified(who);
    } finally {
      Files.deleteIfExists(sig);
    }
  }

  private static String reason(Ran ran) {
    String text = (ran.err() + " " + ran.out()).strip().replaceAll("\\s+", " ");
    return text.isEmpty() ? "" : ": ssh-keygen says " + text;
  }

  private static Ran run(String input, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add("ssh-keygen");
    command.addAll(List.of(args));
    Process process;
    try {
      process = new ProcessBuilder(command).start();
    } catch (IOException e) {
      throw new IOException("cannot run ssh-keygen (install openssh-client): " + e.getMessage(), e);
    }
    process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    try (InputStream out = process.getInputStream(); InputStream err = process.getErrorStream()) {
      // outputs are small (a signature, a principal, a line of error): read out, then err
      String outText = new String(out.readAllBytes(), StandardCharsets.UTF_8);
      String errText = new String(err.readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("ssh-keygen did not finish in " + WAIT_SECONDS + " s");
      }
      return new Ran(process.exitValue(), outText, errText);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while ssh-keygen ran", e);
    }
  }
}
