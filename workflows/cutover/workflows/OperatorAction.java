package cutover.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The payload of the {@code retry}, {@code rollback}, {@code pause} and {@code resume} signals. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OperatorAction(String by, String reason) {}
