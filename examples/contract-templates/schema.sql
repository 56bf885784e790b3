-- The LEGACY schema of the contract-templates example: a miniature of Alga PSA's billing
-- tables before the "Contract Template Hard Cutover". Templates and live contracts share
-- one table, told apart by contracts.is_template. Lines are shared too and reach a contract
-- only through contract_line_mappings (a line may be mapped to several contracts, or to
-- none); their services and service configurations hang off the line. Client contracts
-- point at the template they were created from. Every table is keyed by (tenant, id).
--
-- Plain PostgreSQL (tested on 17). Meant to run once, on a fresh database.

CREATE TABLE tenants (
  tenant uuid PRIMARY KEY,
  name   text NOT NULL UNIQUE
);

CREATE TABLE services (
  tenant       uuid NOT NULL,
  service_id   uuid NOT NULL,
  service_name text NOT NULL,
  CONSTRAINT services_pkey PRIMARY KEY (tenant, service_id),
  CONSTRAINT services_tenant_fkey FOREIGN KEY (tenant) REFERENCES tenants (tenant)
);

CREATE TABLE contracts (
  tenant            uuid        NOT NULL,
  contract_id       uuid        NOT NULL,
  contract_name     text        NOT NULL,
  is_template       boolean     NOT NULL DEFAULT false,
  template_metadata jsonb,
  status            text        NOT NULL DEFAULT 'active',
  created_at        timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT contracts_pkey PRIMARY KEY (tenant, contract_id),
  CONSTRAINT contracts_tenant_fkey FOREIGN KEY (tenant) REFERENCES tenants (tenant),
  CONSTRAINT contracts_status_check CHECK (status IN ('draft', 'active', 'expired', 'terminated'))
);

-- The contract list screens filter on is_template; the wizard's template picker reads only templates.
CREATE INDEX contracts_tenant_is_template_idx ON contracts (tenant, is_template);
CREATE INDEX contracts_templates_idx ON contracts (tenant, contract_name) WHERE is_template;

-- billing_frequency is nullable here: old rows were written before the field was required.
CREATE TABLE contract_lines (
  tenant             uuid NOT NULL,
  contract_line_id   uuid NOT NULL,
  contract_line_name text NOT NULL,
  billing_frequency  text,
  CONSTRAINT contract_lines_pkey PRIMARY KEY (tenant, contract_line_id),
  CONSTRAINT contract_lines_tenant_fkey FOREIGN KEY (tenant) REFERENCES tenants (tenant),
  CONSTRAINT contract_lines_billing_frequency_check
    CHECK (billing_frequency IN ('monthly', 'quarterly', 'annually'))
);

-- The only way from a contract to its lines.
CREATE TABLE contract_line_mappings (
  tenant           uuid    NOT NULL,
  contract_id      uuid    NOT NULL,
  contract_line_id uuid    NOT NULL,
  display_order    integer NOT NULL DEFAULT 0,
  CONSTRAINT contract_line_mappings_pkey PRIMARY KEY (tenant, contract_id, contract_line_id),
  CONSTRAINT contract_line_mappings_contract_fkey FOREIGN KEY (tenant, contract_id)
    REFERENCES contracts (tenant, contract_id),
  CONSTRAINT contract_line_mappings_line_fkey FOREIGN KEY (tenant, contract_line_id)
    REFERENCES contract_lines (tenant, contract_line_id)
);
CREATE INDEX contract_line_mappings_line_idx ON contract_line_mappings (tenant, contract_line_id);

-- Rates in integer cents.
CREATE TABLE contract_line_services (
  tenant            uuid    NOT NULL,
  contract_line_id  uuid    NOT NULL,
  service_id        uuid    NOT NULL,
  quantity          integer NOT NULL DEFAULT 1,
  custom_rate_cents bigint,
  CONSTRAINT contract_line_services_pkey PRIMARY KEY (tenant, contract_line_id, service_id),
  CONSTRAINT contract_line_services_line_fkey FOREIGN KEY (tenant, contract_line_id)
    REFERENCES contract_lines (tenant, contract_line_id),
  CONSTRAINT contract_line_services_service_fkey FOREIGN KEY (tenant, service_id)
    REFERENCES services (tenant, service_id)
);

CREATE TABLE contract_line_service_configuration (
  tenant             uuid   NOT NULL,
  config_id          uuid   NOT NULL,
  contract_line_id   uuid   NOT NULL,
  service_id         uuid   NOT NULL,
  configuration_type text   NOT NULL,
  base_rate_cents    bigint NOT NULL,
  CONSTRAINT contract_line_service_configuration_pkey PRIMARY KEY (tenant, config_id),
  CONSTRAINT contract_line_service_configuration_service_fkey FOREIGN KEY (tenant, contract_line_id, service_id)
    REFERENCES contract_line_services (tenant, contract_line_id, service_id),
  CONSTRAINT contract_line_service_configuration_type_check
    CHECK (configuration_type IN ('Fixed', 'Hourly', 'Usage'))
);
CREATE INDEX contract_line_service_configuration_service_idx
  ON contract_line_service_configuration (tenant, contract_line_id, service_id);

-- A client's contract, created from a template (template_contract_id) or from scratch (NULL).
CREATE TABLE client_contracts (
  tenant               uuid NOT NULL,
  client_contract_id   uuid NOT NULL,
  client_name          text NOT NULL,
  contract_id          uuid NOT NULL,
  template_contract_id uuid,
  CONSTRAINT client_contracts_pkey PRIMARY KEY (tenant, client_contract_id),
  CONSTRAINT client_contracts_contract_fkey FOREIGN KEY (tenant, contract_id)
    REFERENCES contracts (tenant, contract_id),
  CONSTRAINT client_contracts_template_fkey FOREIGN KEY (tenant, template_contract_id)
    REFERENCES contracts (tenant, contract_id)
);
CREATE INDEX client_contracts_contract_idx ON client_contracts (tenant, contract_id);
CREATE INDEX client_contracts_template_idx ON client_contracts (tenant, template_contract_id);
