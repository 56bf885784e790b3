-- The schema BEFORE the reader-first invoice cutover: a miniature of Alga PSA's billing tables
-- while recurring invoices are still flat. Every invoice charge carries its service period as a
-- compatibility summary on the charge itself; there are no canonical recurring detail periods
-- yet, contract cadence is dark code (only client cadence may be stored), and the scheduler's
-- only recurring identity is a client billing cycle.
--
-- Plain PostgreSQL (tested on 17). Meant to run once, on a fresh database.

CREATE TABLE tenants (
  tenant uuid PRIMARY KEY,
  name   text NOT NULL UNIQUE
);

-- Per tenant: who owns the recurring cadence, and how invoices are grouped. Contract cadence
-- is not tenant-writable before stage E: the check below allows only 'client'.
CREATE TABLE tenant_billing_settings (
  tenant           uuid NOT NULL,
  cadence_owner    text NOT NULL DEFAULT 'client',
  invoice_grouping text NOT NULL DEFAULT 'client-cycle',
  CONSTRAINT tenant_billing_settings_pkey PRIMARY KEY (tenant),
  CONSTRAINT tenant_billing_settings_tenant_fkey FOREIGN KEY (tenant) REFERENCES tenants (tenant),
  CONSTRAINT tenant_billing_settings_cadence_owner_check CHECK (cadence_owner = 'client'),
  CONSTRAINT tenant_billing_settings_invoice_grouping_check CHECK (invoice_grouping IN ('client-cycle', 'explicit'))
);

CREATE TABLE clients (
  tenant      uuid NOT NULL,
  client_id   uuid NOT NULL,
  client_name text NOT NULL,
  currency    text NOT NULL DEFAULT 'USD',
  CONSTRAINT clients_pkey PRIMARY KEY (tenant, client_id),
  CONSTRAINT clients_tenant_fkey FOREIGN KEY (tenant) REFERENCES tenants (tenant)
);

CREATE TABLE client_billing_cycles (
  tenant           uuid NOT NULL,
  billing_cycle_id uuid NOT NULL,
  client_id        uuid NOT NULL,
  period_start     date NOT NULL,
  period_end       date NOT NULL,
  CONSTRAINT client_billing_cycles_pkey PRIMARY KEY (tenant, billing_cycle_id),
  CONSTRAINT client_billing_cycles_client_fkey FOREIGN KEY (tenant, client_id) REFERENCES clients (tenant, client_id)
);

-- Historical invoices: recurring ones point at the client billing cycle they were billed for;
-- manual and financial-only invoices have none.
CREATE TABLE invoices (
  tenant           uuid   NOT NULL,
  invoice_id       uuid   NOT NULL,
  client_id        uuid   NOT NULL,
  billing_cycle_id uuid,
  invoice_kind     text   NOT NULL,
  invoice_number   text   NOT NULL,
  invoice_date     date   NOT NULL,
  total_cents      bigint NOT NULL,
  CONSTRAINT invoices_pkey PRIMARY KEY (tenant, invoice_id),
  CONSTRAINT invoices_client_fkey FOREIGN KEY (tenant, client_id) REFERENCES clients (tenant, client_id),
  CONSTRAINT invoices_billing_cycle_fkey FOREIGN KEY (tenant, billing_cycle_id)
    REFERENCES client_billing_cycles (tenant, billing_cycle_id),
  CONSTRAINT invoices_invoice_kind_check CHECK (invoice_kind IN ('recurring', 'manual', 'financial'))
);

-- The flat shape: a charge's service period is a summary stored on the charge (the parent
-- charge's compatibility fields); billing_cycle_alignment is compatibility storage.
CREATE TABLE invoice_charges (
  tenant                  uuid   NOT NULL,
  item_id                 uuid   NOT NULL,
  invoice_id              uuid   NOT NULL,
  description             text   NOT NULL,
  amount_cents            bigint NOT NULL,
  service_period_start    date,
  service_period_end      date,
  billing_cycle_alignment text,
  CONSTRAINT invoice_charges_pkey PRIMARY KEY (tenant, item_id),
  CONSTRAINT invoice_charges_invoice_fkey FOREIGN KEY (tenant, invoice_id) REFERENCES invoices (tenant, invoice_id),
  CONSTRAINT invoice_charges_alignment_check CHECK (billing_cycle_alignment IN ('start', 'end', 'prorated'))
);

CREATE INDEX invoice_charges_invoice_idx ON invoice_charges (tenant, invoice_id);
