-- Generated data for the reporting-rollout example (target demo). Run after schema.sql, once.
--
-- Deterministic: every value is derived from row numbers and md5(), never random().
--   10 tenants of three residencies: the internal tenant, 3 pilot hotels (one per residency),
--   6 other hotels (two of them served by the AF database, region-af.sql, so without rows here);
--   3 platform templates; 2 schedules and 100 report runs for each of the 8 tenants served here
--   (800 runs: the internal tenant's all clean, a pilot's 1 failure in 100, others' 1 in 60);
--   30 regulatory submissions each for the AF and KSA pilots, all before their cutoff.
--   No flags are set: reporting_v1 is off for every tenant.

INSERT INTO tenants (tenant_id, name, residency, kind) VALUES
  ('melmastoon-internal', 'Melmastoon Internal', 'in', 'internal'),
  ('kabul-grand', 'Kabul Grand Hotel', 'af', 'pilot'),
  ('delhi-residency', 'Delhi Residency', 'in', 'pilot'),
  ('riyadh-palms', 'Riyadh Palms', 'ksa', 'pilot'),
  ('herat-serai', 'Herat Serai', 'af', 'hotel'),
  ('bamyan-lodge', 'Bamyan Lodge', 'af', 'hotel'),
  ('mumbai-bay', 'Mumbai Bay Hotel', 'in', 'hotel'),
  ('jaipur-haveli', 'Jaipur Haveli', 'in', 'hotel'),
  ('jeddah-corniche', 'Jeddah Corniche Suites', 'ksa', 'hotel'),
  ('dammam-gate', 'Dammam Gate Inn', 'ksa', 'hotel');

INSERT INTO report_templates (template_id, name, version) VALUES
  ('daily-occupancy', 'Daily occupancy', 3),
  ('night-audit', 'Night audit', 3),
  ('guest-register', 'Guest register (police)', 2);

INSERT INTO report_schedules (tenant_id, schedule_id, template_id, cron)
SELECT t.tenant_id, s, (ARRAY['daily-occupancy', 'night-audit'])[s], (ARRAY['0 6 * * *', '30 23 * * *'])[s]
FROM tenants t CROSS JOIN generate_series(1, 2) AS s
WHERE t.tenant_id NOT IN ('herat-serai', 'bamyan-lodge');

INSERT INTO report_runs (tenant_id, run_id, schedule_id, template_id, template_version, run_date, status, duration_ms)
SELECT t.tenant_id, n, 1 + n % 2, (ARRAY['daily-occupancy', 'night-audit'])[1 + n % 2], 3,
       to_char(date '2026-08-01' + (n - 1) / 2, 'YYYY-MM-DD'),
       CASE WHEN t.kind = 'internal' THEN 'succeeded'
            WHEN t.kind = 'pilot' AND n = 50 THEN 'failed'
            WHEN t.kind = 'hotel' AND n % 60 = 0 THEN 'failed'
            ELSE 'succeeded' END,
       800 + ('x' || substr(md5(t.tenant_id || ':' || n), 1, 4))::bit(16)::int % 4000
FROM tenants t CROSS JOIN generate_series(1, 100) AS n
WHERE t.tenant_id NOT IN ('herat-serai', 'bamyan-lodge');

INSERT INTO regulatory_submissions (tenant_id, submission_id, adapter, cutoff_at, submitted_at)
SELECT p.tenant_id, n, p.adapter, p.first_cutoff + (n - 1) * interval '1 day',
       p.first_cutoff + (n - 1) * interval '1 day' - (10 + n % 50) * interval '1 minute'
FROM (VALUES ('kabul-grand', 'af-police', timestamptz '2026-08-01 22:00+04:30'),
             ('riyadh-palms', 'ksa-vat', timestamptz '2026-08-01 23:59+03'))
  AS p (tenant_id, adapter, first_cutoff)
CROSS JOIN generate_series(1, 30) AS n;
