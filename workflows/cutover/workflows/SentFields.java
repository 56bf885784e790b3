package cutover.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the fields of a payload people type (the Temporal UI's input box, {@code temporal workflow
 * signal --input}), noting each field of the wrong type instead of throwing: a payload that cannot
 * be decoded would fail a workflow task on every retry, or be dropped without a word.
 */
final class SentFields {
  private final JsonNode json;
  private final List<String> problems = new ArrayList<>();

  private SentFields(JsonNode json) {
    this.json = json;
  }

  /** @param json the payload as sent; anything but an object is one problem */
  static SentFields of(JsonNode json) {
    SentFields fields = new SentFields(json);
    if (json != null && !json.isObject()) {
      fields.problems.add("it must be a JSON object, not " + describe(json));
    }
    return fields;
  }

  /** A text field; a number or true/false is noted (and kept as its text, as older workers read it). */
  String text(String field) {
    JsonNode value = field(field);
    if (value == null) {
      return null;
    }
    if (!value.isTextual()) {
      wrong(field, "text", value);
      return value.isValueNode() ? value.asText() : null;
    }
    return value.textValue();
  }

  boolean bool(String field) {
    JsonNode value = field(field);
    if (value == null) {
      return false;
    }
    if (!value.isBoolean()) {
      wrong(field, "true or false", value);
      return value.isTextual() && value.textValue().equals("true");
    }
    return value.booleanValue();
  }

  Integer integer(String field) {
    JsonNode value = field(field);
    if (value == null) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      wrong(field, "a whole number", value);
      return null;
    }
    return value.intValue();
  }

  Long longInteger(String field) {
    JsonNode value = field(field);
    if (value == null) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      wrong(field, "a whole number", value);
      return null;
    }
    return value.longValue();
  }

  /**
   * @param what what the payload is, e.g. {@code the approve payload}
   * @param example a payload to send instead
   * @return null when every field could be read, else what is wrong and what to send
   */
  String unreadable(String what, String example) {
    if (problems.isEmpty()) {
      return null;
    }
    return what + " is not usable: " + String.join("; ", problems) + ". Send e.g. " + example;
  }

  /** The field's value; null when absent, JSON null, or the payload is not an object. */
  private JsonNode field(String field) {
    if (json == null || !json.isObject()) {
      return null;
    }
    JsonNode value = json.get(field);
    return value == null || value.isNull() ? null : value;
  }

  private void wrong(String field, String expected, JsonNode value) {
    problems.add("\"" + field + "\" must be " + expected + ", not " + describe(value));
  }

  private static String describe(JsonNode value) {
    if (value.isArray()) {
      return "an array";
    }
    if (value.isObject()) {
      return "an object";
    }
    if (value.isTextual()) {
      String text = value.textValue();
      return "the text " + (text.length() > 40 ? value.toString().substring(0, 40) + "…\"" : value.toString());
    }
    if (value.isNumber()) {
      return "the number " + value;
    }
    return value.toString();
  }
}
