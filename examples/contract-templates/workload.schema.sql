-- The LEGACY schema of the contract-templates example: a miniature of Alga PSA's billing
-- tables before the "Contract Template Hard Cutover". Templates and live contracts share
-- one table, told apart by contracts.is_template; template lines live in contract_lines
-- next to the lines of real client contracts.
--
-- Plain PostgreSQL (tested on 17). Meant to run once, on a fresh database.

CREATE TABLE tenants (
  tenant uuid PRIMARY KEY,
  name   text NOT NULL UNIQUE
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

-- The contract list screens filter on is_template; the template picker of the contract
-- wizard reads only the (few) template rows.
CREATE INDEX contracts_tenant_is_template_idx ON contracts (tenant, is_template);
CREATE INDEX contracts_templates_idx ON contracts (tenant, contract_name) WHERE is_template;
CREATE INDEX contracts_tenant_status_idx ON contracts (tenant, status);

CREATE TABLE contract_lines (
  tenant            uuid          NOT NULL,
  contract_line_id  uuid          NOT NULL,
  contract_id       uuid          NOT NULL,
  line_name         text          NOT NULL,
  billing_frequency text          NOT NULL,
  display_order     integer       NOT NULL DEFAULT 0,
  rate              numeric(12,2),
  CONSTRAINT contract_lines_pkey PRIMARY KEY (tenant, contract_line_id),
  CONSTRAINT contract_lines_contract_fkey FOREIGN KEY (tenant, contract_id)
    REFERENCES contracts (tenant, contract_id),
  CONSTRAINT contract_lines_billing_frequency_check
    CHECK (billing_frequency IN ('monthly', 'quarterly', 'annually'))
);

-- Lines are always read per contract, in display order.
CREATE INDEX contract_lines_contract_idx ON contract_lines (tenant, contract_id, display_order);
