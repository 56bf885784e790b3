-- reporting-rollout: the reporting database of residency IN (target demo), before the rollout.
-- Load data.sql after it. The AF residency's database (target region-af) is region-af.sql.
--
-- In production each residency has its own database; the miniature keeps every tenant's
-- reporting rows here except those of the two tenants the AF database serves (region-af.sql),
-- one of which moves here in the residency move. tenants and tenant_features stand in for
-- tenant-service: its tenant directory, and its per-tenant settings, which own the flags.

CREATE TABLE tenants (
  tenant_id varchar(40) PRIMARY KEY,
  name      text        NOT NULL,
  residency varchar(8)  NOT NULL CONSTRAINT tenants_residency_check CHECK (residency IN ('af', 'in', 'ksa')),
  kind      varchar(12) NOT NULL CONSTRAINT tenants_kind_check CHECK (kind IN ('internal', 'pilot', 'hotel'))
);

-- tenant-service's per-tenant settings: a feature is on for a tenant when its row says so
CREATE TABLE tenant_features (
  tenant_id varchar(40) NOT NULL REFERENCES tenants,
  feature   varchar(60) NOT NULL,
  enabled   boolean     NOT NULL,
  set_by    varchar(60) NOT NULL,
  PRIMARY KEY (tenant_id, feature)
);

-- platform-shared templates (seed §5: template_id is platform-shared)
CREATE TABLE report_templates (
  template_id varchar(40) PRIMARY KEY,
  name        text    NOT NULL,
  version     integer NOT NULL
);

CREATE TABLE report_schedules (
  tenant_id   varchar(40) NOT NULL REFERENCES tenants,
  schedule_id integer     NOT NULL,
  template_id varchar(40) NOT NULL REFERENCES report_templates,
  cron        text        NOT NULL,
  PRIMARY KEY (tenant_id, schedule_id)
);

CREATE TABLE report_runs (
  tenant_id        varchar(40) NOT NULL REFERENCES tenants,
  run_id           integer     NOT NULL,
  schedule_id      integer     NOT NULL,
  template_id      varchar(40) NOT NULL REFERENCES report_templates,
  template_version integer     NOT NULL, -- snapshot-on-run
  run_date         varchar(10) NOT NULL, -- 'YYYY-MM-DD' as text: the two-phase change moves it to run_on date
  status           varchar(12) NOT NULL CONSTRAINT report_runs_status_check CHECK (status IN ('succeeded', 'failed')),
  duration_ms      integer     NOT NULL,
  PRIMARY KEY (tenant_id, run_id),
  FOREIGN KEY (tenant_id, schedule_id) REFERENCES report_schedules
);

-- regulatory adapters' submissions (AF police, KSA VAT), each due by its cutoff
CREATE TABLE regulatory_submissions (
  tenant_id     varchar(40) NOT NULL REFERENCES tenants,
  submission_id integer     NOT NULL,
  adapter       varchar(20) NOT NULL CONSTRAINT regulatory_submissions_adapter_check CHECK (adapter IN ('af-police', 'ksa-vat')),
  cutoff_at     timestamptz NOT NULL,
  submitted_at  timestamptz,
  PRIMARY KEY (tenant_id, submission_id)
);

-- events reporting-service emits (an outbox its publisher drains)
CREATE TABLE event_outbox (
  event_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  subject   varchar(80) NOT NULL,
  tenant_id varchar(40) NOT NULL,
  payload   jsonb       NOT NULL
);

-- what reporting-api reads
CREATE VIEW report_run_history AS
SELECT tenant_id, run_id, template_id, template_version, run_date, status FROM report_runs;
