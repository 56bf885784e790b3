package cutover.plan;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

/** A plan file's text, or a problem with a position when it cannot be read as one (missing, a directory, not UTF-8). */
public final class PlanFile {
  private PlanFile() {}

  /** @throws InvalidPlanException when the path is not a readable UTF-8 file */
  public static String read(Path file) throws IOException, InvalidPlanException {
    String name = file.toString();
    if (Files.isDirectory(file)) {
      throw problem(name, 1, 1, "this is a directory, not a plan file",
          "give the plan's YAML file" + aPlanIn(file));
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException missing) {
      throw problem(name, 1, 1, "file not found", "check the path");
    } catch (AccessDeniedException denied) {
      throw problem(name, 1, 1, "the file cannot be read: permission denied", "check the file's permissions");
    }
    return utf8(name, bytes);
  }

  /** The bytes as UTF-8 text; the first byte that is not UTF-8 is reported at its line and column. */
  static String utf8(String name, byte[] bytes) throws InvalidPlanException {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError() && utf16(bytes)) {
      throw problem(name, 1, 1, "the file is UTF-16 text, not UTF-8", "save it as UTF-8 (e.g. `iconv -f utf-16 -t utf-8`)");
    }
    if (result.isError()) {
      out.flip();
      String before = out.toString();
      int line = (int) before.chars().filter(c -> c == '\n').count() + 1;
      int column = before.length() - (before.lastIndexOf('\n') + 1) + 1;
      String bad = HexFormat.of().withUpperCase().withPrefix("0x").withDelimiter(" ")
          .formatHex(bytes, in.position(), in.position() + result.length());
      throw problem(name, line, column, "the file is not UTF-8 text: byte " + bad + " cannot be read as UTF-8",
          "save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)");
    }
    decoder.flush(out);
    out.flip();
    return out.toString();
  }

  /** Starts with a UTF-16 byte order mark, as editors on Windows save "Unicode". */
  private static boolean utf16(byte[] bytes) {
    return bytes.length >= 2 && (bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE || bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF);
  }

  private static InvalidPlanException problem(String file, int line, int column, String message, String fix) {
    return new InvalidPlanException(List.of(new PlanProblem(file, line, column, message, fix)));
  }

  /** Names a plan file the directory holds, if there is one. */
  private static String aPlanIn(Path dir) {
    try (var files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().findFirst()
          .map(f -> ", e.g. " + f).orElse(", not the directory");
    } catch (IOException unreadable) {
      return ", not the directory";
    }
  }
}
