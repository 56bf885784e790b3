-- Generated data for the invoice-reader-first example. Run after schema.sql, once.
--
-- Deterministic: every value is derived from md5() of a row number, never random().
--   3 tenants, 10 clients each, 6 monthly billing cycles per client (July to December 2025),
--   one historical flat recurring invoice per cycle (180), a manual or financial-only invoice
--   for every third client (10), and 1 to 3 charges per invoice (362).

INSERT INTO tenants (tenant, name)
SELECT md5('invoice-demo:tenant:' || slug)::uuid, name
FROM (VALUES ('northwind', 'Northwind Managed IT'), ('bluefin', 'Bluefin Networks'), ('cobalt', 'Cobalt Support Desk'))
  AS t (slug, name);

INSERT INTO tenant_billing_settings (tenant) SELECT tenant FROM tenants;

INSERT INTO clients (tenant, client_id, client_name, currency)
SELECT t.tenant,
       md5('invoice-demo:client:' || t.name || ':' || n)::uuid,
       (ARRAY['Acme Dental', 'Birch & Co Law', 'Harbor Logistics', 'Juniper Clinic', 'Keystone Realty',
              'Lumen Architects', 'Maple Accounting', 'Orchid Hotels', 'Pioneer Schools', 'Quarry Foods'])[n],
       CASE WHEN n % 5 = 0 THEN 'EUR' ELSE 'USD' END
FROM tenants t CROSS JOIN generate_series(1, 10) AS n;

INSERT INTO client_billing_cycles (tenant, billing_cycle_id, client_id, period_start, period_end)
SELECT c.tenant,
       md5('invoice-demo:cycle:' || c.client_id || ':' || m)::uuid,
       c.client_id,
       date '2025-07-01' + (m - 1) * interval '1 month',
       (date '2025-07-01' + m * interval '1 month' - interval '1 day')::date
FROM clients c CROSS JOIN generate_series(1, 6) AS m;

INSERT INTO invoices (tenant, invoice_id, client_id, billing_cycle_id, invoice_kind, invoice_number, invoice_date, total_cents)
SELECT b.tenant,
       md5('invoice-demo:invoice:' || b.billing_cycle_id)::uuid,
       b.client_id,
       b.billing_cycle_id,
       'recurring',
       'INV-' || to_char(b.period_start, 'YYYYMM') || '-' || substr(md5(b.billing_cycle_id::text), 1, 6),
       b.period_start,
       0
FROM client_billing_cycles b;

INSERT INTO invoices (tenant, invoice_id, client_id, billing_cycle_id, invoice_kind, invoice_number, invoice_date, total_cents)
SELECT c.tenant,
       md5('invoice-demo:one-off:' || c.client_id)::uuid,
       c.client_id,
       NULL,
       CASE WHEN ('x' || substr(md5(c.client_id::text), 1, 7))::bit(28)::int % 2 = 0 THEN 'manual' ELSE 'financial' END,
       'ADJ-' || substr(md5(c.client_id::text), 1, 6),
       date '2025-11-15',
       0
FROM (SELECT c.*, row_number() OVER (ORDER BY c.tenant, c.client_id) AS n FROM clients c) AS c
WHERE c.n % 3 = 0;

-- Recurring charges carry the cycle as their summary period; manual and financial rows none.
INSERT INTO invoice_charges (tenant, item_id, invoice_id, description, amount_cents, service_period_start,
                             service_period_end, billing_cycle_alignment)
SELECT i.tenant,
       md5('invoice-demo:charge:' || i.invoice_id || ':' || k)::uuid,
       i.invoice_id,
       (ARRAY['Managed services', 'Help desk seats', 'Backup storage', 'Credit adjustment'])[
         CASE WHEN i.invoice_kind = 'recurring' THEN 1 + (h % 3) ELSE 4 END],
       1000 + h % 50000,
       b.period_start,
       b.period_end,
       CASE WHEN i.invoice_kind = 'recurring' THEN (ARRAY['start', 'end', 'prorated'])[1 + (h / 3) % 3] END
FROM invoices i
LEFT JOIN client_billing_cycles b ON b.tenant = i.tenant AND b.billing_cycle_id = i.billing_cycle_id
CROSS JOIN LATERAL generate_series(1, 1 + ('x' || substr(md5(i.invoice_id::text), 1, 7))::bit(28)::int % 3) AS k
CROSS JOIN LATERAL (SELECT ('x' || substr(md5(i.invoice_id || ':' || k), 1, 7))::bit(28)::int AS h) AS hashed;

UPDATE invoices i SET total_cents = s.total
FROM (SELECT tenant, invoice_id, sum(amount_cents) AS total FROM invoice_charges GROUP BY tenant, invoice_id) AS s
WHERE s.tenant = i.tenant AND s.invoice_id = i.invoice_id;

ANALYZE;
