#!/bin/sh
# Stand-in for the application's tests behind this gate; a real plan runs them here:
#   cd server && npx vitest run ../packages/billing/tests/usageActions.effectiveDate.test.ts
# It passes unless CUTOVER_EXAMPLE_FAIL names this gate (usage-effective-date-tests), to show a failing gate.
echo "Stage 3: effective-date resolution in billing usage"
echo "stand-in for: cd server && npx vitest run ../packages/billing/tests/usageActions.effectiveDate.test.ts"
if [ "${CUTOVER_EXAMPLE_FAIL:-}" = "usage-effective-date-tests" ]; then
  echo "FAILED (CUTOVER_EXAMPLE_FAIL=usage-effective-date-tests)"
  exit 1
fi
echo "passed"
