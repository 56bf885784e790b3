package cutover.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import cutover.activities.steps.StepKinds;
import cutover.workflows.CutoverRequest;
import cutover.workflows.Acceptance;
import cutover.workflows.GateDecision;
import cutover.workflows.OperatorAction;
import cutover.workflows.PhaseRequest;
import cutover.workflows.Tuning;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DataConverterException;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The JSON every client and worker of cutover uses. Unknown fields are ignored: a person typing
 * a start input in the Temporal UI may add one, and a strict mapper would fail the workflow task
 * forever instead of failing the run. A plan step's spec is read as the record its kind names;
 * durations are written as ISO-8601 text (PT0.5S), as the Web UI shows them.
 */
public final class CutoverDataConverter {
  /**
   * Inputs people type. Each reads any JSON and says what is wrong with it; text that is not JSON
   * at all is handed to it as a JSON string, so that it is refused readably too instead of failing
   * the start with a parser message or the signal being dropped.
   */
  static final Set<Class<?>> TYPED_BY_PEOPLE =
      Set.of(CutoverRequest.class, PhaseRequest.class, GateDecision.class, OperatorAction.class, Tuning.class,
          Acceptance.class);

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
    return DefaultDataConverter.newDefaultInstance().withPayloadConverterOverrides(new Converter(mapper()));
  }

  private static final class Converter extends JacksonJsonPayloadConverter {
    private final ObjectMapper mapper;

    Converter(ObjectMapper mapper) {
      super(mapper);
      this.mapper = mapper;
    }

    @Override
    public <T> T fromData(Payload content, Class<T> valueClass, Type valueType) throws DataConverterException {
      try {
        return super.fromData(content, valueClass, valueType);
      } catch (DataConverterException notJson) {
        if (!TYPED_BY_PEOPLE.contains(valueClass) || !(notJson.getCause() instanceof JsonProcessingException)) {
          throw notJson;
        }
        return mapper.convertValue(TextNode.valueOf(content.getData().toString(StandardCharsets.UTF_8)), valueClass);
      }
    }
  }
}
