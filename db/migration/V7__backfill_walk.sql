-- How a backfill part walks its rows, chosen when its parts are prepared: key (keyset batches
-- in key order), pages (physical page ranges; lower_key, upper_key and last_key then hold page
-- numbers, inclusive) or ranges (key ranges split from a sample). walk_note says why.
ALTER TABLE cutover.backfill_checkpoint ADD COLUMN walk varchar(16) NOT NULL DEFAULT 'key';
ALTER TABLE cutover.backfill_checkpoint ADD COLUMN walk_note text;
