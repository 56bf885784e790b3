#!/bin/sh
# Stand-in for the application's tests behind this gate; a real plan runs them here:
#   cd server && npx vitest run src/test/unit/billing/automaticInvoices.nonContractSelection.ui.test.tsx
# It passes unless CUTOVER_EXAMPLE_FAIL names this gate (non-contract-selection-ui-tests), to show a failing gate.
echo "Stage 5: grouped attribution in the automatic invoices UI"
echo "stand-in for: cd server && npx vitest run src/test/unit/billing/automaticInvoices.nonContractSelection.ui.test.tsx"
if [ "${CUTOVER_EXAMPLE_FAIL:-}" = "non-contract-selection-ui-tests" ]; then
  echo "FAILED (CUTOVER_EXAMPLE_FAIL=non-contract-selection-ui-tests)"
  exit 1
fi
echo "passed"
