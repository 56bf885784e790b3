-- reporting-rollout: the reporting database of residency AF (target region-af), schema and data.
-- The plan only reads it: the residency move copies tenant herat-serai's rows from here into
-- demo (residency IN). bamyan-lodge stays in AF. Its regulatory submissions stay here too
-- (seed §6.3: regulatory artifacts do not move); demo indexes them by their original region.
-- Deterministic: no random(); 200 runs, 4 schedules, 10 submissions.

CREATE TABLE report_schedules (
  tenant_id   varchar(40) NOT NULL,
  schedule_id integer     NOT NULL,
  template_id varchar(40) NOT NULL,
  cron        text        NOT NULL,
  PRIMARY KEY (tenant_id, schedule_id)
);

CREATE TABLE report_runs (
  tenant_id        varchar(40) NOT NULL,
  run_id           integer     NOT NULL,
  schedule_id      integer     NOT NULL,
  template_id      varchar(40) NOT NULL,
  template_version integer     NOT NULL,
  run_date         varchar(10) NOT NULL,
  status           varchar(12) NOT NULL CHECK (status IN ('succeeded', 'failed')),
  duration_ms      integer     NOT NULL,
  PRIMARY KEY (tenant_id, run_id),
  FOREIGN KEY (tenant_id, schedule_id) REFERENCES report_schedules
);

CREATE TABLE regulatory_submissions (
  tenant_id     varchar(40) NOT NULL,
  submission_id integer     NOT NULL,
  adapter       varchar(20) NOT NULL,
  cutoff_at     timestamptz NOT NULL,
  submitted_at  timestamptz,
  PRIMARY KEY (tenant_id, submission_id)
);

INSERT INTO report_schedules (tenant_id, schedule_id, template_id, cron)
SELECT t, s, (ARRAY['daily-occupancy', 'night-audit'])[s], (ARRAY['0 6 * * *', '30 23 * * *'])[s]
FROM unnest(ARRAY['herat-serai', 'bamyan-lodge']) AS t CROSS JOIN generate_series(1, 2) AS s;

INSERT INTO report_runs (tenant_id, run_id, schedule_id, template_id, template_version, run_date, status, duration_ms)
SELECT t, n, 1 + n % 2, (ARRAY['daily-occupancy', 'night-audit'])[1 + n % 2], 3,
       to_char(date '2026-08-01' + (n - 1) / 2, 'YYYY-MM-DD'),
       CASE WHEN n % 60 = 0 THEN 'failed' ELSE 'succeeded' END,
       800 + ('x' || substr(md5(t || ':' || n), 1, 4))::bit(16)::int % 4000
FROM unnest(ARRAY['herat-serai', 'bamyan-lodge']) AS t CROSS JOIN generate_series(1, 100) AS n;

INSERT INTO regulatory_submissions (tenant_id, submission_id, adapter, cutoff_at, submitted_at)
SELECT 'herat-serai', n, 'af-police', timestamptz '2026-08-01 22:00+04:30' + (n - 1) * interval '1 day',
       timestamptz '2026-08-01 21:10+04:30' + (n - 1) * interval '1 day'
FROM generate_series(1, 10) AS n;
