-- Captured changes a backfill part replayed after its bulk pass (the keys the application
-- inserted, updated or deleted in the source while the step ran). Each replay batch commits
-- with the update of this count and the deletion of the capture rows it replayed.
-- The capture tables themselves (cutover.capture_<hash>) belong to one step of one run: the
-- step creates them with its trigger and drops them when it ends or is compensated.

ALTER TABLE cutover.backfill_checkpoint ADD COLUMN replayed bigint NOT NULL DEFAULT 0;
