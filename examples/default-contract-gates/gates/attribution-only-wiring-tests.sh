#!/bin/sh
# Stand-in for the application's tests behind this gate; a real plan runs them here:
#   cd server && npx vitest run src/test/unit/billing/systemManagedDefaultAttributionOnly.ui.wiring.test.ts src/test/unit/billing/defaultContractHistoricalBootstrapAndBillingRoute.wiring.test.ts src/test/unit/billing/systemManagedDefaultRecurringExclusion.wiring.test.ts
# It passes unless CUTOVER_EXAMPLE_FAIL names this gate (attribution-only-wiring-tests), to show a failing gate.
echo "Stage 9: attribution-only defaults excluded from recurring flows"
echo "stand-in for: cd server && npx vitest run src/test/unit/billing/systemManagedDefaultAttributionOnly.ui.wiring.test.ts src/test/unit/billing/defaultContractHistoricalBootstrapAndBillingRoute.wiring.test.ts src/test/unit/billing/systemManagedDefaultRecurringExclusion.wiring.test.ts"
if [ "${CUTOVER_EXAMPLE_FAIL:-}" = "attribution-only-wiring-tests" ]; then
  echo "FAILED (CUTOVER_EXAMPLE_FAIL=attribution-only-wiring-tests)"
  exit 1
fi
echo "passed"
