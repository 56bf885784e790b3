-- Generated data for the default-contract-gates example. Run after schema.sql, once.
--
-- Deterministic: every value is derived from md5() of a row number, never random().
--   3 tenants, 12 clients each; two of every three clients have billing settings; each client
--   has one or two contracts with lines for 'Help desk' and 'On-site' (some clients' two
--   contracts overlap on 'Help desk', which makes their entries ambiguous); 10 time entries
--   per client (360), about half unresolved.

INSERT INTO tenants (tenant, name)
SELECT md5('default-contract-demo:tenant:' || slug)::uuid, name
FROM (VALUES ('northwind', 'Northwind Managed IT'), ('bluefin', 'Bluefin Networks'), ('cobalt', 'Cobalt Support Desk'))
  AS t (slug, name);

CREATE TEMP TABLE generated_clients AS
SELECT t.tenant, n, md5('default-contract-demo:client:' || t.name || ':' || n)::uuid AS client_id,
       (ARRAY['Acme Dental', 'Birch & Co Law', 'Harbor Logistics', 'Juniper Clinic', 'Keystone Realty', 'Lumen Architects',
              'Maple Accounting', 'Orchid Hotels', 'Pioneer Schools', 'Quarry Foods', 'Riverside Vets', 'Summit Insurance'])[n]
         AS client_name
FROM tenants t CROSS JOIN generate_series(1, 12) AS n;

INSERT INTO clients (tenant, client_id, client_name) SELECT tenant, client_id, client_name FROM generated_clients;

INSERT INTO billing_settings (tenant, client_id, billing_cycle, anchor_day)
SELECT tenant, client_id, (ARRAY['monthly', 'quarterly'])[1 + n % 2], 1 + n % 28
FROM generated_clients WHERE n % 3 <> 0;

-- Contract k of a client: every client has contract 1, every fourth client also contract 2.
INSERT INTO contracts (tenant, contract_id, owner_client_id, contract_name)
SELECT g.tenant, md5('default-contract-demo:contract:' || g.client_id || ':' || k)::uuid, g.client_id,
       g.client_name || CASE k WHEN 1 THEN ' — Managed services' ELSE ' — Project support' END
FROM generated_clients g CROSS JOIN generate_series(1, 2) AS k
WHERE k = 1 OR g.n % 4 = 0;

INSERT INTO contract_assignments (tenant, assignment_id, contract_id, client_id)
SELECT tenant, md5('default-contract-demo:assignment:' || contract_id)::uuid, contract_id, owner_client_id FROM contracts;

-- Contract 1 covers 'Help desk' for 2025 and 'On-site' from July 2025; contract 2 'Help desk' for 2025 too.
INSERT INTO contract_lines (tenant, contract_line_id, contract_id, service_name, effective_start, effective_end)
SELECT c.tenant, md5('default-contract-demo:line:' || c.contract_id || ':' || l.service_name)::uuid, c.contract_id,
       l.service_name, l.effective_start, l.effective_end
FROM contracts c
CROSS JOIN (VALUES ('Help desk', date '2025-01-01', date '2025-12-31'), ('On-site', date '2025-07-01', NULL::date))
  AS l (service_name, effective_start, effective_end)
WHERE l.service_name = 'Help desk' OR c.contract_name LIKE '%Managed services';

-- Entries from March to December 2025: resolved ones point at a covering line of contract 1;
-- the others (and resolved ones no line covers) are unresolved and carry their legacy selection key.
INSERT INTO time_entries (tenant, entry_id, client_id, service_name, work_date, minutes, contract_line_id, legacy_selection_key)
SELECT g.tenant, md5('default-contract-demo:entry:' || g.client_id || ':' || e)::uuid, g.client_id, s.service_name,
       s.work_date, 15 * (1 + h % 16),
       CASE WHEN e % 2 = 0 THEN (SELECT l.contract_line_id FROM contract_lines l JOIN contracts c USING (tenant, contract_id)
                                 WHERE c.owner_client_id = g.client_id AND c.contract_name LIKE '%Managed services'
                                   AND l.service_name = s.service_name AND l.effective_start <= s.work_date
                                   AND (l.effective_end IS NULL OR l.effective_end >= s.work_date)) END,
       NULL
FROM generated_clients g
CROSS JOIN generate_series(1, 10) AS e
CROSS JOIN LATERAL (SELECT ('x' || substr(md5(g.client_id || ':' || e), 1, 7))::bit(28)::int AS h) AS hashed
CROSS JOIN LATERAL (SELECT (ARRAY['Help desk', 'On-site'])[1 + h % 2] AS service_name,
                           date '2025-03-01' + (h % 300) AS work_date) AS s;

UPDATE time_entries SET legacy_selection_key = 'non-contract:' || client_id || ':' || service_name
WHERE contract_line_id IS NULL;

DROP TABLE generated_clients;
ANALYZE;
