package cutover.starter;

/** Who is acting: {@code --as NAME}, else the operating-system user. */
final class Operators {
  private Operators() {}

  static String who(String as) {
    if (as != null && !as.isBlank()) {
      return as.trim();
    }
    String user = System.getProperty("user.name");
    return user == null || user.isBlank() ? "unknown" : user;
  }
}
