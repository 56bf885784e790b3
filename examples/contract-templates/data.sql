-- Generated data for the contract-templates example. Run after schema.sql, once.
--
-- Deterministic: every value is derived from md5() of a row number, never random(), so a
-- rerun on a fresh database gives identical rows (same UUIDs, names, rates).
--
-- Size: the session setting cutover.example_contracts (default 20000) is the number of
-- generated contracts, e.g. SELECT set_config('cutover.example_contracts', '300', false);
-- before this file. They are spread unevenly over 3 tenants (61% / 27% / 12%); about 3% of
-- those of Northwind and Bluefin are templates, Cobalt has none. Each contract has 1 to 4
-- lines (mapped to it through contract_line_mappings), each line 1 or 2 services with a rate
-- in cents and one service configuration; half the client contracts name a template.
--
-- After the bulk, fixed rows carry each case the real migration was fragile on (see the
-- README): a template id used by two tenants, a line mapped to two templates, a line mapped
-- to none, a template line without a billing frequency, a template name longer than 100
-- characters, and rates in cents that must arrive as numeric(10,2).

-- Bulk load: the foreign keys are dropped here and added back (validated) at the end, one
-- checking join each instead of a trigger check per row.
ALTER TABLE client_contracts DROP CONSTRAINT client_contracts_template_fkey;
ALTER TABLE client_contracts DROP CONSTRAINT client_contracts_contract_fkey;
ALTER TABLE contract_line_service_configuration DROP CONSTRAINT contract_line_service_configuration_service_fkey;
ALTER TABLE contract_line_services DROP CONSTRAINT contract_line_services_service_fkey;
ALTER TABLE contract_line_services DROP CONSTRAINT contract_line_services_line_fkey;
ALTER TABLE contract_line_mappings DROP CONSTRAINT contract_line_mappings_line_fkey;
ALTER TABLE contract_line_mappings DROP CONSTRAINT contract_line_mappings_contract_fkey;

INSERT INTO tenants (tenant, name)
SELECT md5('cutover-demo:tenant:' || slug)::uuid, name
FROM (VALUES
  ('northwind', 'Northwind Managed IT'),
  ('bluefin',   'Bluefin Networks'),
  ('cobalt',    'Cobalt Support Desk')
) AS t (slug, name);

INSERT INTO services (tenant, service_id, service_name)
SELECT t.tenant, md5('cutover-demo:service:' || t.name || ':' || s.n)::uuid, s.name
FROM tenants t
CROSS JOIN (VALUES (1, 'Workstation support'), (2, 'Server monitoring'), (3, 'Firewall management'),
                   (4, 'Backup storage'), (5, 'Microsoft 365 licences'), (6, 'On-site visits'),
                   (7, 'Patch management'), (8, 'VoIP seats')) AS s (n, name);

-- One row per contract with the hashes everything else is derived from. h1..h4 are four
-- independent 28-bit non-negative integers cut from one md5.
CREATE TEMP TABLE generated_contracts AS
SELECT n, tenant_name,
       md5('cutover-demo:tenant:' || slug)::uuid             AS tenant,
       md5('cutover-demo:contract:' || n)::uuid              AS contract_id,
       h1, h2, h3, h4,
       slug <> 'cobalt' AND h1 % 1000 < 30                   AS is_template
FROM (
  SELECT n, size,
         CASE WHEN n <= size * 61 / 100 THEN 'northwind' WHEN n <= size * 88 / 100 THEN 'bluefin' ELSE 'cobalt' END AS slug,
         CASE WHEN n <= size * 61 / 100 THEN 'Northwind Managed IT' WHEN n <= size * 88 / 100 THEN 'Bluefin Networks'
              ELSE 'Cobalt Support Desk' END AS tenant_name,
         ('x' || substr(h, 1, 7))::bit(28)::int  AS h1,
         ('x' || substr(h, 8, 7))::bit(28)::int  AS h2,
         ('x' || substr(h, 15, 7))::bit(28)::int AS h3,
         ('x' || substr(h, 22, 7))::bit(28)::int AS h4
  FROM (SELECT coalesce(nullif(current_setting('cutover.example_contracts', true), ''), '20000')::int AS size) AS s
  CROSS JOIN LATERAL generate_series(1, s.size) AS n
  CROSS JOIN LATERAL (SELECT md5('cutover-demo:contract-fields:' || n) AS h) AS f
) AS s;

INSERT INTO contracts (tenant, contract_id, contract_name, is_template, template_metadata, status, created_at)
SELECT g.tenant, g.contract_id,
       CASE WHEN g.is_template
         THEN (ARRAY['Managed Services', 'Help Desk Retainer', 'Network Monitoring', 'Backup & Recovery',
                     'Security Essentials', 'Cloud Migration', 'Hardware as a Service', 'VoIP Bundle'])[g.h2 % 8 + 1]
              || ' — ' || (ARRAY['Bronze', 'Silver', 'Gold', 'Platinum'])[g.h3 % 4 + 1] || ' template #' || g.n
         ELSE (ARRAY['Acme Dental', 'Birch & Co Law', 'Harbor Logistics', 'Juniper Clinic', 'Keystone Realty',
                     'Lumen Architects', 'Maple Accounting', 'Orchid Hotels'])[g.h2 % 8 + 1]
              || ' — ' || (ARRAY['Managed Services', 'Help Desk', 'Monitoring', 'Backup'])[g.h3 % 4 + 1] || ' #' || g.n
       END,
       g.is_template,
       CASE WHEN g.is_template THEN jsonb_build_object(
         'guidance', (ARRAY['Pair with the on-site support add-on.', 'Default for offices under 25 seats.',
                            'Quote hardware separately.', 'Bill the onboarding line once.'])[g.h4 % 4 + 1],
         'tags', jsonb_build_array((ARRAY['msp', 'helpdesk', 'network', 'backup'])[g.h2 % 4 + 1]))
       END,
       CASE WHEN g.is_template THEN (ARRAY['active', 'active', 'active', 'draft'])[g.h3 % 4 + 1]
            ELSE (ARRAY['active', 'active', 'active', 'draft', 'expired', 'terminated'])[g.h3 % 6 + 1] END,
       timestamptz '2021-01-01 00:00:00+00' + (g.h4 % (4 * 365 * 24 * 60)) * interval '1 minute'
FROM generated_contracts g
ORDER BY g.n;

CREATE TEMP TABLE generated_lines AS
SELECT g.n, k, g.tenant, g.tenant_name, g.contract_id,
       md5('cutover-demo:line:' || g.n || ':' || k)::uuid AS contract_line_id,
       ('x' || substr(md5('cutover-demo:line-fields:' || g.n || ':' || k), 1, 7))::bit(28)::int AS h
FROM generated_contracts g
CROSS JOIN LATERAL generate_series(1, 1 + g.h4 % 4) AS k;

INSERT INTO contract_lines (tenant, contract_line_id, contract_line_name, billing_frequency)
SELECT tenant, contract_line_id,
       (ARRAY['Onboarding', 'Workstation support', 'Server monitoring', 'Firewall management', 'Backup storage',
              'Endpoint protection', 'VoIP seats', 'Quarterly review'])[h % 8 + 1],
       (ARRAY['monthly', 'monthly', 'quarterly', 'annually'])[(h / 8) % 4 + 1]
FROM generated_lines ORDER BY n, k;

INSERT INTO contract_line_mappings (tenant, contract_id, contract_line_id, display_order)
SELECT tenant, contract_id, contract_line_id, k - 1 FROM generated_lines ORDER BY n, k;

-- 1 or 2 services per line; a tenth of them without a custom rate (the service's default applies).
CREATE TEMP TABLE generated_line_services AS
SELECT l.n, l.k, s, l.tenant, l.contract_line_id,
       md5('cutover-demo:service:' || l.tenant_name || ':' || ((l.h / 32 + s * 3) % 8 + 1))::uuid AS service_id,
       ('x' || substr(md5('cutover-demo:line-service:' || l.n || ':' || l.k || ':' || s), 1, 7))::bit(28)::int AS h
FROM generated_lines l
CROSS JOIN LATERAL generate_series(1, 1 + (l.h / 256) % 2) AS s;

INSERT INTO contract_line_services (tenant, contract_line_id, service_id, quantity, custom_rate_cents)
SELECT tenant, contract_line_id, service_id, 1 + h % 5, CASE WHEN h % 10 = 0 THEN NULL ELSE (h / 10) % 2500000 END
FROM generated_line_services ORDER BY n, k, s;

INSERT INTO contract_line_service_configuration
  (tenant, config_id, contract_line_id, service_id, configuration_type, base_rate_cents)
SELECT tenant, md5('cutover-demo:config:' || n || ':' || k || ':' || s)::uuid, contract_line_id, service_id,
       (ARRAY['Fixed', 'Hourly', 'Usage'])[(h / 7) % 3 + 1], (h / 3) % 1000000
FROM generated_line_services ORDER BY n, k, s;

-- Every contract that is not a template has a client contract; every other one was created
-- from a template of its tenant (Cobalt's, having none, from scratch).
WITH templates AS (
  SELECT tenant, contract_id, row_number() OVER (PARTITION BY tenant ORDER BY n) AS i,
         count(*) OVER (PARTITION BY tenant) AS templates
  FROM generated_contracts WHERE is_template
), per_tenant AS (
  SELECT DISTINCT tenant, templates FROM templates
)
INSERT INTO client_contracts (tenant, client_contract_id, client_name, contract_id, template_contract_id)
SELECT g.tenant, md5('cutover-demo:client-contract:' || g.n)::uuid,
       (ARRAY['Acme Dental', 'Birch & Co Law', 'Harbor Logistics', 'Juniper Clinic', 'Keystone Realty',
              'Lumen Architects', 'Maple Accounting', 'Orchid Hotels'])[g.h2 % 8 + 1],
       g.contract_id, t.contract_id
FROM generated_contracts g
LEFT JOIN per_tenant p ON p.tenant = g.tenant AND g.h3 % 2 = 0
LEFT JOIN templates t ON t.tenant = p.tenant AND t.i = g.h1 % p.templates + 1
WHERE NOT g.is_template
ORDER BY g.n;

DROP TABLE generated_line_services, generated_lines, generated_contracts;

-- The fragile cases, as fixed rows. Names say what each one is; the README lists them.
CREATE TEMP TABLE fixed_templates (slug text, tenant_name text, contract_id uuid, contract_name text);
INSERT INTO fixed_templates VALUES
  -- One template id in two tenants: only (tenant, id) tells the two rows apart.
  ('shared-nw', 'Northwind Managed IT', md5('cutover-demo:shared-template')::uuid, 'Shared Id — Northwind template'),
  ('shared-bf', 'Bluefin Networks', md5('cutover-demo:shared-template')::uuid, 'Shared Id — Bluefin template'),
  -- Two templates that share one line.
  ('starter', 'Northwind Managed IT', md5('cutover-demo:onboarding-starter')::uuid, 'Onboarding Starter template'),
  ('plus', 'Northwind Managed IT', md5('cutover-demo:onboarding-plus')::uuid, 'Onboarding Plus template'),
  -- A template whose line has no billing frequency.
  ('legacy-backup', 'Bluefin Networks', md5('cutover-demo:legacy-backup')::uuid, 'Legacy Backup template'),
  -- A name of 129 characters; contract_templates.template_name is varchar(100).
  ('long-name', 'Northwind Managed IT', md5('cutover-demo:long-name')::uuid,
   'Managed Services — Platinum template for multi-site healthcare clients with 24/7 monitoring, on-site visits and quarterly reviews');

INSERT INTO contracts (tenant, contract_id, contract_name, is_template, template_metadata, status, created_at)
SELECT t.tenant, f.contract_id, f.contract_name, true,
       jsonb_build_object('guidance', 'Fixed example row: ' || f.slug, 'tags', jsonb_build_array('fixed')),
       'active', timestamptz '2024-06-01 09:00:00+00'
FROM fixed_templates f JOIN tenants t ON t.name = f.tenant_name;

INSERT INTO contract_lines (tenant, contract_line_id, contract_line_name, billing_frequency)
SELECT t.tenant, md5('cutover-demo:fixed-line:' || l.slug)::uuid, l.name, l.frequency
FROM (VALUES
  ('shared-nw', 'Northwind Managed IT', 'Shared id line (Northwind)', 'monthly'),
  ('shared-bf', 'Bluefin Networks', 'Shared id line (Bluefin)', 'quarterly'),
  ('onboarding', 'Northwind Managed IT', 'Shared onboarding line', 'monthly'),
  ('legacy-backup', 'Bluefin Networks', 'Legacy backup line', NULL),
  ('long-name', 'Northwind Managed IT', 'Platinum monitoring', 'annually'),
  ('retired', 'Bluefin Networks', 'Retired firewall line', 'monthly')
) AS l (slug, tenant_name, name, frequency)
JOIN tenants t ON t.name = l.tenant_name;

INSERT INTO contract_line_mappings (tenant, contract_id, contract_line_id, display_order)
SELECT t.tenant, f.contract_id, md5('cutover-demo:fixed-line:' || m.line)::uuid, 0
FROM (VALUES ('shared-nw', 'shared-nw'), ('shared-bf', 'shared-bf'), ('starter', 'onboarding'), ('plus', 'onboarding'),
             ('legacy-backup', 'legacy-backup'), ('long-name', 'long-name')) AS m (template, line)
JOIN fixed_templates f ON f.slug = m.template
JOIN tenants t ON t.name = f.tenant_name;
-- 'retired' is mapped to no contract at all.

INSERT INTO contract_line_services (tenant, contract_line_id, service_id, quantity, custom_rate_cents)
SELECT t.tenant, md5('cutover-demo:fixed-line:' || s.line)::uuid,
       md5('cutover-demo:service:' || t.name || ':' || s.service)::uuid, s.quantity, s.cents
FROM (VALUES ('shared-nw', 'Northwind Managed IT', 1, 2, 12345::bigint), ('shared-bf', 'Bluefin Networks', 1, 1, 9900),
             ('onboarding', 'Northwind Managed IT', 6, 1, 150000), ('legacy-backup', 'Bluefin Networks', 4, 3, 1999),
             ('long-name', 'Northwind Managed IT', 2, 1, 999999999), ('retired', 'Bluefin Networks', 3, 1, 4500))
  AS s (line, tenant_name, service, quantity, cents)
JOIN tenants t ON t.name = s.tenant_name;

INSERT INTO contract_line_service_configuration
  (tenant, config_id, contract_line_id, service_id, configuration_type, base_rate_cents)
SELECT tenant, md5('cutover-demo:fixed-config:' || contract_line_id)::uuid, contract_line_id, service_id, 'Fixed',
       custom_rate_cents
FROM contract_line_services s
WHERE contract_line_id IN (SELECT md5('cutover-demo:fixed-line:' || slug)::uuid
                           FROM unnest(ARRAY['shared-nw', 'shared-bf', 'onboarding', 'legacy-backup', 'long-name',
                                             'retired']) AS slug);

-- A client contract created from each tenant's shared-id template.
INSERT INTO contracts (tenant, contract_id, contract_name, status, created_at)
SELECT tenant, md5('cutover-demo:shared-client:' || tenant)::uuid, 'Harbor Logistics — from the shared-id template',
       'active', timestamptz '2024-07-01 09:00:00+00'
FROM contracts WHERE contract_id = md5('cutover-demo:shared-template')::uuid;
INSERT INTO client_contracts (tenant, client_contract_id, client_name, contract_id, template_contract_id)
SELECT tenant, md5('cutover-demo:shared-client-contract:' || tenant)::uuid, 'Harbor Logistics',
       md5('cutover-demo:shared-client:' || tenant)::uuid, md5('cutover-demo:shared-template')::uuid
FROM contracts WHERE contract_id = md5('cutover-demo:shared-template')::uuid;

-- The same constraints schema.sql declares, added back and validated against the data.
ALTER TABLE contract_line_mappings
  ADD CONSTRAINT contract_line_mappings_contract_fkey FOREIGN KEY (tenant, contract_id)
    REFERENCES contracts (tenant, contract_id);
ALTER TABLE contract_line_mappings
  ADD CONSTRAINT contract_line_mappings_line_fkey FOREIGN KEY (tenant, contract_line_id)
    REFERENCES contract_lines (tenant, contract_line_id);
ALTER TABLE contract_line_services
  ADD CONSTRAINT contract_line_services_line_fkey FOREIGN KEY (tenant, contract_line_id)
    REFERENCES contract_lines (tenant, contract_line_id);
ALTER TABLE contract_line_services
  ADD CONSTRAINT contract_line_services_service_fkey FOREIGN KEY (tenant, service_id)
    REFERENCES services (tenant, service_id);
ALTER TABLE contract_line_service_configuration
  ADD CONSTRAINT contract_line_service_configuration_service_fkey FOREIGN KEY (tenant, contract_line_id, service_id)
    REFERENCES contract_line_services (tenant, contract_line_id, service_id);
ALTER TABLE client_contracts
  ADD CONSTRAINT client_contracts_contract_fkey FOREIGN KEY (tenant, contract_id)
    REFERENCES contracts (tenant, contract_id);
ALTER TABLE client_contracts
  ADD CONSTRAINT client_contracts_template_fkey FOREIGN KEY (tenant, template_contract_id)
    REFERENCES contracts (tenant, contract_id);

DROP TABLE fixed_templates;

ANALYZE;
