package cutover.worker;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.Iterator;
import java.util.Locale;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;

/**
 * How the worker writes its log: lines as {@code logback.xml} formats them (with the step's
 * run, phase, step and attempt), or one JSON object a line (logstash-logback-encoder: fields
 * {@code @timestamp}, {@code level}, {@code logger_name}, {@code message}, each MDC key, and
 * {@code stack_trace} when there is one), for log shippers.
 */
public enum LogFormat {
  TEXT, JSON;

  /** The format a word names (text, json), or null. */
  public static LogFormat of(String word) {
    for (LogFormat format : values()) {
      if (format.name().toLowerCase(Locale.ROOT).equals(word)) {
        return format;
      }
    }
    return null;
  }

  /** Writes the root logger's console and file output in this format from now on. */
  public void apply() {
    if (this == TEXT || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return; // text is what logback.xml configures; another SLF4J binding keeps its own format
    }
    Iterator<Appender<ILoggingEvent>> appenders = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders();
    while (appenders.hasNext()) {
      if (appenders.next() instanceof OutputStreamAppender<ILoggingEvent> output) {
        output.stop();
        output.setEncoder(jsonEncoder(context));
        output.start();
      }
    }
  }

  /** A started encoder of the JSON format. */
  public static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context) {
    LogstashEncoder encoder = new LogstashEncoder();
    encoder.setContext(context);
    encoder.start();
    return encoder;
  }
}
