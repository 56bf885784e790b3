-- The SQL of the sessions a step waited on gets a column of its own: it may hold anything (a
-- literal secret), so it is kept here and never read back into Temporal, while `detail` names
-- the sessions (pid, application, user, state, lock mode) and can be shown anywhere.
ALTER TABLE cutover.run_event ADD COLUMN blocker_sql text;

-- lock_waited events recorded before this column existed carry the SQL in their detail: moved.
/* [jooq ignore start] */
UPDATE cutover.run_event
SET blocker_sql = detail,
    detail = 'waited for locks; the blocking sessions, with their SQL, are in blocker_sql'
WHERE kind = 'lock_waited';
/* [jooq ignore stop] */
