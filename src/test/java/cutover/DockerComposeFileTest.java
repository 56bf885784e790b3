package cutover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.worker.WorkflowRegistration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.temporal.yml, read without Docker: every image pinned to a release, server and
 * admin-tools of the same release, and exactly the engine's search attributes registered.
 */
class DockerComposeFileTest {
  private static final Pattern SEARCH_ATTRIBUTE = Pattern.compile("--name\\s+(\\S+)\\s+--type\\s+(\\S+)");

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> services() throws Exception {
    Map<String, Object> compose = new Yaml().load(
        Files.readString(Path.of("docker-compose.temporal.yml"), StandardCharsets.UTF_8));
    return (Map<String, Map<String, Object>>) compose.get("services");
  }

  @Test
  void everyImageIsPinnedAndTheTemporalImagesMatch() throws Exception {
    Map<String, String> tags = new LinkedHashMap<>();
    services().forEach((name, service) -> {
      String image = (String) service.get("image");
      assertTrue(image != null && image.contains(":"), name + ": image " + image + " has no tag");
      String tag = image.substring(image.lastIndexOf(':') + 1);
      assertFalse(tag.isBlank() || tag.equals("latest"), name + ": image " + image + " is not pinned");
      assertTrue(tag.matches("\\d+(\\.\\d+)*"), name + ": image " + image + " is not pinned to a release");
      tags.put(image.substring(0, image.lastIndexOf(':')), tag);
    });
    List<String> adminToolsTags = new ArrayList<>();
    services().values().stream().map(s -> (String) s.get("image")).filter(i -> i.startsWith("temporalio/admin-tools:"))
        .forEach(i -> adminToolsTags.add(i.substring(i.lastIndexOf(':') + 1)));
    assertFalse(adminToolsTags.isEmpty(), "admin-tools sets up the schema and the search attributes");
    adminToolsTags.forEach(tag -> assertEquals(tags.get("temporalio/server"), tag,
        "temporalio/admin-tools carries the schema of its own server release: it must match temporalio/server"));
    assertTrue(tags.containsKey("temporalio/ui"), tags.toString());
  }

  @Test
  void itRegistersExactlyTheEngineSearchAttributesAsKeywords() throws Exception {
    Map<String, Object> setup = services().get("temporal-setup");
    String script = String.join("\n", ((List<?>) setup.get("command")).stream().map(String::valueOf).toList());
    TreeSet<String> registered = new TreeSet<>();
    Matcher m = SEARCH_ATTRIBUTE.matcher(script);
    while (m.find()) {
      assertEquals("Keyword", m.group(2), m.group(1));
      assertTrue(registered.add(m.group(1)), "registered twice: " + m.group(1));
    }
    assertEquals(new TreeSet<>(WorkflowRegistration.searchAttributeNames()), registered);
  }
}
