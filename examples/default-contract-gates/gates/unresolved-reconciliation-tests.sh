#!/bin/sh
# Stand-in for the application's tests behind this gate; a real plan runs them here:
#   cd server && npx vitest run src/test/unit/billing/billingEngine.unresolvedReconciliation.test.ts
# It passes unless CUTOVER_EXAMPLE_FAIL names this gate (unresolved-reconciliation-tests), to show a failing gate.
echo "Stage 4: deterministic write-back of unresolved rows"
echo "stand-in for: cd server && npx vitest run src/test/unit/billing/billingEngine.unresolvedReconciliation.test.ts"
if [ "${CUTOVER_EXAMPLE_FAIL:-}" = "unresolved-reconciliation-tests" ]; then
  echo "FAILED (CUTOVER_EXAMPLE_FAIL=unresolved-reconciliation-tests)"
  exit 1
fi
echo "passed"
