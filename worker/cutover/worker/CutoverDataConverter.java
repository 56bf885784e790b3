package cutover.worker;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import cutover.activities.steps.StepKinds;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.converter.JacksonJsonPayloadConverter;

/**
 * The JSON every client and worker of cutover uses. Unknown fields are ignored: a person typing
 * a start input in the Temporal UI may add one, and a strict mapper would fail the workflow task
 * forever instead of failing the run. A plan step's spec is read as the record its kind names;
 * durations are written as ISO-8601 text (PT0.5S), as the Web UI shows them.
 */
public final class CutoverDataConverter {
  private CutoverDataConverter() {}

  public static ObjectMapper mapper() {
    return new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .registerModule(new Jdk8Module())
        .registerModule(StepKinds.ALL.jacksonModule())
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
        .configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, false)
        .configure(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS, false);
  }

  public static DataConverter create() {
    return DefaultDataConverter.newDefaultInstance()
        .withPayloadConverterOverrides(new JacksonJsonPayloadConverter(mapper()));
  }
}
