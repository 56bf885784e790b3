package cutover.activities.steps;

import cutover.activities.Targets;
import java.util.function.Function;
import org.jooq.DSLContext;

/** What a run and its worker allow a step, and the means to run SQL outside the step's transaction. */
public interface StepEnvironment {

  /** The run was started with {@code --allow-fixes}: a check may run its {@code fix:} SQL. */
  boolean allowFixes();

  /** The worker was started with {@code --allow-commands}: a {@code command} step may run. */
  boolean allowCommands();

  /**
   * Runs work in a transaction of its own on the step's target, with the step's lock and
   * statement timeouts (through the one SQL runner); plan SQL on the context runs as written.
   */
  <T> T inTransaction(Function<DSLContext, T> work);

  /**
   * Runs short reads (catalog views) and calls such as {@code pg_terminate_backend} on the step's
   * target, each statement on a pooled connection in autocommit, with no lock settings and no
   * lock watcher: for looking at other sessions between the step's own transactions.
   */
  <T> T look(Function<DSLContext, T> work);

  /**
   * The step's target as the worker connects to it (URL, user, password): for a program the step
   * starts, which gets it in its own environment only. Never for a message, report or payload.
   */
  Targets.Target connection();

  /**
   * Reads on another target this worker knows (a copy's source, a parity side), each in a
   * read-only transaction of its own with the step's timeouts.
   */
  default cutover.activities.OtherTargetReads readsOn(String target) {
    throw new IllegalStateException("this step context reads no other target");
  }

  /** Tells Temporal the step is alive (a long HTTP sweep or command between SQL statements). */
  void heartbeat();

  /** Nothing allowed and no database: for contexts built by hand. */
  StepEnvironment NONE = new StepEnvironment() {
    @Override
    public boolean allowFixes() {
      return false;
    }

    @Override
    public boolean allowCommands() {
      return false;
    }

    @Override
    public <T> T inTransaction(Function<DSLContext, T> work) {
      throw new IllegalStateException("this step context has no database");
    }

    @Override
    public <T> T look(Function<DSLContext, T> work) {
      throw new IllegalStateException("this step context has no database");
    }

    @Override
    public Targets.Target connection() {
      throw new IllegalStateException("this step context has no target");
    }

    @Override
    public void heartbeat() {}
  };
}
