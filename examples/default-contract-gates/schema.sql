-- The schema BEFORE the system-managed default contract cutover: a miniature of Alga PSA's
-- billing tables. Contracts belong to an owner client; time entries that no contract line
-- covers stay unresolved (contract_line_id null) and are billed through the legacy
-- non-contract fallback, parsed from legacy_selection_key.
--
-- Plain PostgreSQL (tested on 17). Meant to run once, on a fresh database.

CREATE TABLE tenants (
  tenant uuid PRIMARY KEY,
  name   text NOT NULL UNIQUE
);

CREATE TABLE clients (
  tenant      uuid NOT NULL,
  client_id   uuid NOT NULL,
  client_name text NOT NULL,
  CONSTRAINT clients_pkey PRIMARY KEY (tenant, client_id),
  CONSTRAINT clients_tenant_fkey FOREIGN KEY (tenant) REFERENCES tenants (tenant)
);

-- A client's billing configuration: the touchpoint where a default contract is ensured.
CREATE TABLE billing_settings (
  tenant        uuid    NOT NULL,
  client_id     uuid    NOT NULL,
  billing_cycle text,
  anchor_day    integer,
  CONSTRAINT billing_settings_pkey PRIMARY KEY (tenant, client_id),
  CONSTRAINT billing_settings_client_fkey FOREIGN KEY (tenant, client_id) REFERENCES clients (tenant, client_id),
  CONSTRAINT billing_settings_cycle_check CHECK (billing_cycle IN ('monthly', 'quarterly', 'annually'))
);

CREATE TABLE contracts (
  tenant          uuid NOT NULL,
  contract_id     uuid NOT NULL,
  owner_client_id uuid NOT NULL,
  contract_name   text NOT NULL,
  CONSTRAINT contracts_pkey PRIMARY KEY (tenant, contract_id),
  CONSTRAINT contracts_owner_fkey FOREIGN KEY (tenant, owner_client_id) REFERENCES clients (tenant, client_id)
);

CREATE TABLE contract_lines (
  tenant           uuid NOT NULL,
  contract_line_id uuid NOT NULL,
  contract_id      uuid NOT NULL,
  service_name     text NOT NULL,
  effective_start  date NOT NULL,
  effective_end    date,
  CONSTRAINT contract_lines_pkey PRIMARY KEY (tenant, contract_line_id),
  CONSTRAINT contract_lines_contract_fkey FOREIGN KEY (tenant, contract_id) REFERENCES contracts (tenant, contract_id)
);

CREATE TABLE contract_assignments (
  tenant        uuid NOT NULL,
  assignment_id uuid NOT NULL,
  contract_id   uuid NOT NULL,
  client_id     uuid NOT NULL,
  CONSTRAINT contract_assignments_pkey PRIMARY KEY (tenant, assignment_id),
  CONSTRAINT contract_assignments_contract_fkey FOREIGN KEY (tenant, contract_id) REFERENCES contracts (tenant, contract_id),
  CONSTRAINT contract_assignments_client_fkey FOREIGN KEY (tenant, client_id) REFERENCES clients (tenant, client_id)
);

CREATE TABLE time_entries (
  tenant               uuid    NOT NULL,
  entry_id             uuid    NOT NULL,
  client_id            uuid    NOT NULL,
  service_name         text    NOT NULL,
  work_date            date    NOT NULL,
  minutes              integer NOT NULL,
  contract_line_id     uuid,
  legacy_selection_key text,
  CONSTRAINT time_entries_pkey PRIMARY KEY (tenant, entry_id),
  CONSTRAINT time_entries_client_fkey FOREIGN KEY (tenant, client_id) REFERENCES clients (tenant, client_id),
  CONSTRAINT time_entries_line_fkey FOREIGN KEY (tenant, contract_line_id) REFERENCES contract_lines (tenant, contract_line_id)
);
