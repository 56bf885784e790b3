-- What the fix: of a check step changed, kept so that a rollback can put it back.
--
-- check_fix: one row per check step whose fix ran in a run (written in the transaction of the
-- fix and of the step's ledger row); a compensation finds here whether there is anything to undo.
CREATE TABLE cutover.check_fix (
  run_id        varchar(200) NOT NULL REFERENCES cutover.run (run_id),
  step_id       varchar(200) NOT NULL,
  rows_changed  bigint       NOT NULL,
  fixed_at      timestamptz  NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, step_id)
);

-- check_fix_table: each table of the step's saves:, in the plan's order (position), with the
-- condition that chose its rows (null: every row) and the primary key they are put back by.
CREATE TABLE cutover.check_fix_table (
  run_id        varchar(200)  NOT NULL,
  step_id       varchar(200)  NOT NULL,
  position      integer       NOT NULL,
  table_name    varchar(200)  NOT NULL,
  row_filter    text,
  key_columns   varchar(2000) NOT NULL,
  rows_saved    bigint        NOT NULL,
  rows_added    bigint        NOT NULL,
  PRIMARY KEY (run_id, step_id, position),
  FOREIGN KEY (run_id, step_id) REFERENCES cutover.check_fix (run_id, step_id)
);

-- check_fix_row: the rows as they were before the fix (added false: the whole row, as JSON), and
-- the keys of rows the fix added (added true: the key columns only), which a rollback deletes.
CREATE TABLE cutover.check_fix_row (
  run_id        varchar(200) NOT NULL,
  step_id       varchar(200) NOT NULL,
  position      integer      NOT NULL,
  row_number    bigint       NOT NULL,
  added         boolean      NOT NULL,
  saved         text         NOT NULL,
  PRIMARY KEY (run_id, step_id, position, row_number),
  FOREIGN KEY (run_id, step_id, position) REFERENCES cutover.check_fix_table (run_id, step_id, position)
);
