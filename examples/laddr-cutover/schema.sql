-- A miniature of Code for Philly's move from laddr (the legacy site: PHP on Emergence, its data in
-- MySQL) to the rewrite, both in one PostgreSQL database for the example:
--   schema laddr: the legacy site's tables, which the cutover only reads (and freezes);
--   schema public: the new system's tables, deployed empty before the cutover. The public Person
--   records and the private store (PrivateProfile, LegacyPasswordCredential) are separate stores in
--   the rewrite, so private_profiles has no foreign key to persons: orphans both ways are possible.

CREATE SCHEMA laddr;

CREATE TABLE laddr.people (
  id             integer     PRIMARY KEY,
  class          text        NOT NULL DEFAULT 'User'
                             CHECK (class IN ('User', 'Staff', 'Administrator', 'Spammer')),
  username       text        NOT NULL UNIQUE,
  first_name     text        NOT NULL,
  last_name      text        NOT NULL,
  email          text,
  password_hash  text,
  newsletter     boolean     NOT NULL DEFAULT false,
  newsletter_token text,
  github_user_id bigint,
  created        timestamptz NOT NULL
);

CREATE TABLE laddr.projects (
  id      integer     PRIMARY KEY,
  handle  text        NOT NULL UNIQUE,
  title   text        NOT NULL,
  stage   text        NOT NULL,
  created timestamptz NOT NULL
);

-- No foreign key to people, as in laddr: a deleted person leaves memberships behind.
CREATE TABLE laddr.project_members (
  id         integer PRIMARY KEY,
  project_id integer NOT NULL REFERENCES laddr.projects,
  member_id  integer NOT NULL,
  role       text
);

CREATE TABLE persons (
  id             uuid        PRIMARY KEY,
  legacy_id      integer     NOT NULL UNIQUE,
  slug           text        NOT NULL UNIQUE,
  full_name      text        NOT NULL,
  account_level  text        NOT NULL,
  github_user_id bigint      UNIQUE,
  created_at     timestamptz NOT NULL
);

CREATE TABLE private_profiles (
  person_id           uuid    PRIMARY KEY,
  legacy_person_id    integer NOT NULL UNIQUE,
  email               text,
  newsletter_opted_in boolean NOT NULL DEFAULT false,
  unsubscribe_token   text
);

CREATE TABLE legacy_password_credentials (
  person_id        uuid    PRIMARY KEY REFERENCES persons,
  legacy_person_id integer NOT NULL UNIQUE,
  password_hash    text    NOT NULL
);

CREATE TABLE projects (
  id         uuid        PRIMARY KEY,
  legacy_id  integer     NOT NULL UNIQUE,
  slug       text        NOT NULL UNIQUE,
  title      text        NOT NULL,
  stage      text        NOT NULL,
  created_at timestamptz NOT NULL
);

CREATE TABLE project_memberships (
  legacy_id  integer NOT NULL UNIQUE,
  project_id uuid    NOT NULL REFERENCES projects,
  person_id  uuid    NOT NULL REFERENCES persons,
  role       text,
  PRIMARY KEY (project_id, person_id)
);

-- The new site's sign-ins (GitHub OAuth callbacks, Slack SAML assertions), which the first day's
-- monitoring watches.
CREATE TABLE signin_attempts (
  id       bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  provider text        NOT NULL CHECK (provider IN ('github', 'slack-saml')),
  ok       boolean     NOT NULL,
  at       timestamptz NOT NULL DEFAULT now()
);

-- Mail the new system's mailer sends (the T+90 claim reminder).
CREATE TABLE mail_outbox (
  id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  template  text   NOT NULL,
  person_id uuid   NOT NULL,
  recipient text   NOT NULL,
  UNIQUE (template, person_id)
);
