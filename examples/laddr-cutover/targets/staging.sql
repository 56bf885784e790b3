-- Target `staging`: the staging copy of laddr's data that the T-3d rehearsal imports from. It is
-- loaded like the example's database (schema.sql, data.sql), then made a dump of laddr: the new
-- system's tables are not part of it, and its private columns are scrubbed as the public snapshot
-- is (emails and password hashes replaced), since a rehearsal imports only the public records.
DROP TABLE mail_outbox, signin_attempts, project_memberships, projects, legacy_password_credentials,
  private_profiles, persons;
UPDATE laddr.people
SET email = CASE WHEN email IS NOT NULL THEN 'person-' || id || '@staging.invalid' END,
    password_hash = CASE WHEN password_hash IS NOT NULL THEN 'scrubbed' END,
    newsletter_token = CASE WHEN newsletter_token IS NOT NULL THEN 'scrubbed' END;
