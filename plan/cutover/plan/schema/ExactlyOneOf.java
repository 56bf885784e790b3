package cutover.plan.schema;

import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a spec record, for the plan schema: exactly one of these fields is given, e.g. a soak's
 * {@code check:}, {@code parity:} or {@code http:}. The kind's reader checks it too; the schema
 * says it as {@code oneOf: [{required: [a]}, {required: [b]}]}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Repeatable(ExactlyOneOf.Groups.class)
public @interface ExactlyOneOf {
  String[] value();

  /** Several groups on one record, e.g. a backfill's source and its target. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  @interface Groups {
    ExactlyOneOf[] value();
  }
}
