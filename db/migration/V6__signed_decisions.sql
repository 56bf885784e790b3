-- Signed approvals (issue 8, problem 10): whether the worker verified the decider's SSH signature,
-- over which plan version and findings, and the signature itself for audit. Earlier rows are unsigned.
ALTER TABLE cutover.decision ADD COLUMN signed boolean NOT NULL DEFAULT false;
ALTER TABLE cutover.decision ADD COLUMN plan_hash varchar(200);
ALTER TABLE cutover.decision ADD COLUMN findings_digest varchar(200);
ALTER TABLE cutover.decision ADD COLUMN signature text;
