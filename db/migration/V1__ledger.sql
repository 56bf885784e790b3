-- The ledger: cutover's own record of plans, runs, steps, decisions and events, kept in the
-- target database so that a step's effect and its ledger row commit in one transaction.
-- Keys are varchar, not text: jOOQ's code generator simulates this DDL in H2.

CREATE SCHEMA IF NOT EXISTS cutover;

-- Plans registered by `cutover plan push`, versioned by the SHA-256 of their source.
CREATE TABLE cutover.plan (
  name        varchar(200) NOT NULL,
  hash        varchar(64)  NOT NULL,
  source      text         NOT NULL,
  file_name   varchar(500),
  pushed_by   varchar(200) NOT NULL,
  pushed_at   timestamptz  NOT NULL DEFAULT now(),
  PRIMARY KEY (name, hash)
);

-- One row per cutover run, keyed by the run id (not Temporal's ids) so a run can be resumed
-- by a new workflow after Temporal's own state is lost.
CREATE TABLE cutover.run (
  run_id       varchar(200) NOT NULL PRIMARY KEY,
  plan_name    varchar(200) NOT NULL,
  plan_hash    varchar(64)  NOT NULL,
  target       varchar(200) NOT NULL,
  workflow_id  varchar(400) NOT NULL,
  state        varchar(32)  NOT NULL,
  started_by   varchar(200) NOT NULL,
  started_at   timestamptz  NOT NULL DEFAULT now(),
  ended_at     timestamptz,
  detail       text
);

-- At most one active run per database, whatever workflow id its starter chose.
/* [jooq ignore start] */
CREATE UNIQUE INDEX run_one_active ON cutover.run ((true)) WHERE state = 'active';
/* [jooq ignore stop] */

-- Each applied or compensated step, written in the same transaction as the step's effect.
CREATE TABLE cutover.step (
  run_id       varchar(200) NOT NULL REFERENCES cutover.run (run_id),
  step_id      varchar(200) NOT NULL,
  action       varchar(16)  NOT NULL,
  phase        varchar(200) NOT NULL,
  kind         varchar(32)  NOT NULL,
  outcome      text         NOT NULL,
  rows_affected bigint,
  attempts     integer      NOT NULL,
  started_at   timestamptz  NOT NULL,
  finished_at  timestamptz  NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, step_id, action)
);

-- Decisions at approval gates, accepted or refused, with who and why.
CREATE TABLE cutover.decision (
  id           bigserial    PRIMARY KEY,
  run_id       varchar(200) NOT NULL REFERENCES cutover.run (run_id),
  step_id      varchar(200) NOT NULL,
  decision     varchar(16)  NOT NULL,
  decided_by   varchar(200) NOT NULL,
  comment      text,
  accepted     boolean      NOT NULL,
  refusal      text,
  signal_id    varchar(200) NOT NULL,
  decided_at   timestamptz  NOT NULL DEFAULT now(),
  UNIQUE (run_id, signal_id)
);

-- Operator actions and state changes of a run: retry, rollback, pause, failures.
CREATE TABLE cutover.run_event (
  id           bigserial    PRIMARY KEY,
  run_id       varchar(200) NOT NULL REFERENCES cutover.run (run_id),
  event_key    varchar(400) NOT NULL,
  kind         varchar(32)  NOT NULL,
  step_id      varchar(200),
  actor        varchar(200),
  detail       text,
  at           timestamptz  NOT NULL DEFAULT now(),
  UNIQUE (run_id, event_key)
);
