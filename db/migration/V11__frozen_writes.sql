-- Frozen writes (`kind: freeze`): each block a freeze step put in the database, written in the
-- transaction that puts it there, and marked lifted in the transaction that removes it (its
-- `unfreeze` step or a rollback), so neither happens twice.
CREATE TABLE cutover.frozen_write (
  run_id            varchar(200) NOT NULL REFERENCES cutover.run (run_id),
  step_id           varchar(200) NOT NULL,
  -- 'table' (a trigger on it) or 'role' (its default_transaction_read_only in this database)
  scope             varchar(16)  NOT NULL,
  -- the table as regclass prints it, or the role's name
  frozen            varchar(400) NOT NULL,
  -- the plan's where: of a table freeze (plan SQL as written), null: every row
  predicate         text,
  -- the trigger of a table freeze
  trigger_name      varchar(63),
  -- a role's default_transaction_read_only in this database before the freeze, null when it was unset
  setting_before    text,
  -- what the freeze step said of sessions, for its unfreeze: end the role's read-only ones
  terminate         boolean      NOT NULL,
  grace_ms          bigint       NOT NULL,
  frozen_at         timestamptz  NOT NULL DEFAULT now(),
  lifted_at         timestamptz,
  -- the unfreeze step's id, or 'rollback'
  lifted_by         varchar(200),
  PRIMARY KEY (run_id, step_id, frozen)
);

-- The trigger function of a table freeze: refuses the write with the freeze's words. Arguments:
-- run id, step id, reason ('' for none), predicate ('' for every row). A predicate is evaluated
-- against the old and the new row, as the plan wrote it, with the table's name for the row.
/* [jooq ignore start] */
CREATE FUNCTION cutover.refuse_frozen_write() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  frozen_table text := quote_ident(TG_TABLE_SCHEMA) || '.' || quote_ident(TG_TABLE_NAME);
  predicate text := TG_ARGV[3];
  row_check text;
  hit boolean := false;
BEGIN
  IF predicate <> '' AND TG_LEVEL = 'ROW' THEN
    row_check := format('SELECT EXISTS (SELECT FROM (SELECT ($1).*) AS %I WHERE %s)', TG_TABLE_NAME, predicate);
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
      EXECUTE row_check INTO hit USING OLD;
    END IF;
    IF NOT hit AND TG_OP IN ('INSERT', 'UPDATE') THEN
      EXECUTE row_check INTO hit USING NEW;
    END IF;
    IF NOT hit AND TG_OP = 'DELETE' THEN
      RETURN OLD;
    ELSIF NOT hit THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state',
    MESSAGE = format('cutover: table %s is frozen%s by run %s step %s%s; writes are refused until it is unfrozen',
      frozen_table, CASE WHEN predicate = '' THEN '' ELSE ' where ' || predicate END, TG_ARGV[0], TG_ARGV[1],
      CASE WHEN TG_ARGV[2] = '' THEN '' ELSE ' (' || TG_ARGV[2] || ')' END),
    DETAIL = TG_OP || ' refused' || CASE WHEN TG_LEVEL = 'STATEMENT' THEN ': a TRUNCATE would empty the frozen rows too'
      ELSE '' END,
    HINT = 'the freeze ends with its unfreeze step or a rollback of the run';
END
$fn$;
/* [jooq ignore stop] */
