package cutover.plan.schema;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a record component, for the plan schema: a plan must give this field (a list: with at least
 * one item). Not Jackson's {@code @JsonProperty(required = true)}, which would also make
 * deserializing a spec fail without it, changing how recorded Temporal payloads are read.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Required {}
