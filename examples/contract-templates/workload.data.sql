-- Generated data for the contract-templates example. Run after schema.sql, once.
--
-- Deterministic: every value is derived from md5() of a row number, never random(), so a
-- rerun on a fresh database gives identical rows (same UUIDs, names, rates).
--
--   3 tenants, 100,000 contracts spread unevenly (61% / 27% / 12%),
--   about 3% of them templates (is_template, with template_metadata),
--   1 to 4 lines per contract, templates included (about 250,000 lines).

-- Bulk load: the two foreign keys are dropped here and added back (validated) at the end,
-- one checking join instead of 350,000 per-row trigger checks. It more than halves the run.
ALTER TABLE contract_lines DROP CONSTRAINT contract_lines_contract_fkey;
ALTER TABLE contracts DROP CONSTRAINT contracts_tenant_fkey;

INSERT INTO tenants (tenant, name)
SELECT md5('cutover-demo:tenant:' || slug)::uuid, name
FROM (VALUES
  ('northwind', 'Northwind Managed IT'),
  ('bluefin',   'Bluefin Networks'),
  ('cobalt',    'Cobalt Support Desk')
) AS t (slug, name);

-- One row per contract with the hashes everything else is derived from. h1..h4 are four
-- independent 28-bit non-negative integers cut from one md5.
CREATE TEMP TABLE generated_contracts AS
SELECT n,
       md5('cutover-demo:tenant:' || CASE
             WHEN n <= 61000 THEN 'northwind'
             WHEN n <= 88000 THEN 'bluefin'
             ELSE 'cobalt'
           END)::uuid                                        AS tenant,
       md5('cutover-demo:contract:' || n)::uuid              AS contract_id,
       ('x' || substr(h, 1, 7))::bit(28)::int                AS h1,
       ('x' || substr(h, 8, 7))::bit(28)::int                AS h2,
       ('x' || substr(h, 15, 7))::bit(28)::int               AS h3,
       ('x' || substr(h, 22, 7))::bit(28)::int               AS h4
FROM (
  SELECT n, md5('cutover-demo:contract-fields:' || n) AS h
  FROM generate_series(1, 100000) AS n
) AS s;

INSERT INTO contracts (tenant, contract_id, contract_name, is_template, template_metadata, status, created_at)
SELECT g.tenant,
       g.contract_id,
       CASE WHEN g.is_template
         THEN (ARRAY['Managed Services', 'Help Desk Retainer', 'Network Monitoring', 'Backup & Recovery',
                     'Security Essentials', 'Cloud Migration', 'Hardware as a Service', 'VoIP Bundle'])[g.h2 % 8 + 1]
              || ' — ' || (ARRAY['Bronze', 'Silver', 'Gold', 'Platinum'])[g.h3 % 4 + 1] || ' template'
         ELSE (ARRAY['Acme Dental', 'Birch & Co Law', 'Harbor Logistics', 'Juniper Clinic', 'Keystone Realty',
                     'Lumen Architects', 'Maple Accounting', 'Orchid Hotels', 'Pioneer Schools', 'Quarry Foods',
                     'Riverside Vets', 'Summit Insurance', 'Tidewater Marine', 'Union Printing', 'Vista Opticians',
                     'Willow Pharmacy'])[g.h2 % 16 + 1]
              || ' — ' || (ARRAY['Managed Services', 'Help Desk', 'Monitoring', 'Backup', 'Security', 'Projects'])[g.h3 % 6 + 1]
              || ' #' || g.n
       END,
       g.is_template,
       CASE WHEN g.is_template THEN jsonb_build_object(
         'guidance', (ARRAY[
           'Use for clients who need 24/7 monitoring; pair with the on-site support add-on.',
           'Default for small offices under 25 seats; upsell to Gold after the first quarter.',
           'Quote hardware separately; this template covers labour only.',
           'Requires a signed data-processing addendum before activation.',
           'Bill the onboarding line once; the remaining lines recur.'])[g.h4 % 5 + 1],
         'tags', jsonb_build_array(
           (ARRAY['msp', 'helpdesk', 'network', 'backup', 'security', 'cloud'])[g.h2 % 6 + 1],
           (ARRAY['smb', 'mid-market', 'enterprise'])[g.h4 % 3 + 1]))
       END,
       CASE WHEN g.is_template
         THEN (ARRAY['active', 'active', 'active', 'draft'])[g.h3 % 4 + 1]
         ELSE (ARRAY['active', 'active', 'active', 'active', 'draft', 'expired', 'expired', 'terminated'])[g.h3 % 8 + 1]
       END,
       timestamptz '2021-01-01 00:00:00+00' + (g.h4 % (4 * 365 * 24 * 60)) * interval '1 minute'
FROM (SELECT *, h1 % 1000 < 30 AS is_template FROM generated_contracts) AS g
ORDER BY g.n;

INSERT INTO contract_lines (tenant, contract_line_id, contract_id, line_name, billing_frequency, display_order, rate)
SELECT g.tenant,
       md5('cutover-demo:line:' || g.n || ':' || k)::uuid,
       g.contract_id,
       (ARRAY['Onboarding', 'Workstation support', 'Server monitoring', 'Firewall management', 'Backup storage',
              'Microsoft 365 licences', 'On-site visits', 'Patch management', 'Endpoint protection',
              'Network switch care', 'VoIP seats', 'Quarterly review'])[(l.h % 12) + 1],
       (ARRAY['monthly', 'monthly', 'quarterly', 'annually'])[(l.h / 12) % 4 + 1],
       k - 1,
       ((l.h / 48) % 250000) / 100.0
FROM generated_contracts AS g
CROSS JOIN LATERAL generate_series(1, 1 + g.h4 % 4) AS k
CROSS JOIN LATERAL (SELECT ('x' || substr(md5('cutover-demo:line-fields:' || g.n || ':' || k), 1, 7))::bit(28)::int AS h) AS l
ORDER BY g.n, k;

DROP TABLE generated_contracts;

-- The same constraints schema.sql declares, added back and validated against the data.
ALTER TABLE contracts
  ADD CONSTRAINT contracts_tenant_fkey FOREIGN KEY (tenant) REFERENCES tenants (tenant);
ALTER TABLE contract_lines
  ADD CONSTRAINT contract_lines_contract_fkey FOREIGN KEY (tenant, contract_id)
    REFERENCES contracts (tenant, contract_id);

ANALYZE tenants;
ANALYZE contracts;
ANALYZE contract_lines;
