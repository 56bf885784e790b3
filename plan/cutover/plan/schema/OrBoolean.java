package cutover.plan.schema;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a record type, for the plan schema: a section a plan may also write as {@code true} (its
 * defaults) or {@code false} (off as a whole), as {@code StepFields.writtenAsBoolean} reads it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface OrBoolean {}
