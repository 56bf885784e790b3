-- Verification and gates: flags that applications read, and the reports of verification steps.
-- Keys are varchar, not text: jOOQ's code generator simulates this DDL in H2.

-- Named flags (maintenance mode, feature flags) set by `flag` steps. An application reads
-- `SELECT value FROM cutover.flag WHERE name = 'maintenance' AND tenant = ''`; tenant '' is the
-- flag for everyone, any other value the flag of that tenant. Each change is announced with
-- NOTIFY on channel cutover_flag, its payload the flag's name.
CREATE TABLE cutover.flag (
  name         varchar(200) NOT NULL,
  tenant       varchar(200) NOT NULL DEFAULT '',
  value        varchar(2000) NOT NULL,
  updated_at   timestamptz  NOT NULL DEFAULT now(),
  updated_by   varchar(500) NOT NULL,
  PRIMARY KEY (name, tenant)
);

-- What each flag step changed, so its compensation can restore the previous value
-- (previous_value null: the flag did not exist before).
CREATE TABLE cutover.flag_change (
  run_id         varchar(200) NOT NULL REFERENCES cutover.run (run_id),
  step_id        varchar(200) NOT NULL,
  name           varchar(200) NOT NULL,
  tenant         varchar(200) NOT NULL,
  previous_value varchar(2000),
  new_value      varchar(2000) NOT NULL,
  changed_at     timestamptz  NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, step_id, name, tenant)
);

-- The findings of verification steps (parity, check, validate, http, command), passed or
-- failed, one row per attempt; a soak's repeated checks carry their iteration number.
CREATE TABLE cutover.step_report (
  id           bigserial    PRIMARY KEY,
  run_id       varchar(200) NOT NULL REFERENCES cutover.run (run_id),
  step_id      varchar(200) NOT NULL,
  kind         varchar(32)  NOT NULL,
  iteration    integer,
  passed       boolean      NOT NULL,
  summary      text         NOT NULL,
  report       text         NOT NULL,
  created_at   timestamptz  NOT NULL DEFAULT now()
);

CREATE INDEX step_report_run ON cutover.step_report (run_id, step_id);
