package cutover.starter;

/** Placeholder entry point; the picocli command tree replaces it. */
public class CutoverCli {
  public static void main(String[] args) {
    System.out.println("cutover");
  }
}
