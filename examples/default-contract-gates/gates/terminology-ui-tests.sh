#!/bin/sh
# Stand-in for the application's tests behind this gate; a real plan runs them here:
#   cd server && npx vitest run src/test/unit/billing/defaultContractTerminology.ui.static.test.ts
# It passes unless CUTOVER_EXAMPLE_FAIL names this gate (terminology-ui-tests), to show a failing gate.
echo "Stage 6: default contract terminology"
echo "stand-in for: cd server && npx vitest run src/test/unit/billing/defaultContractTerminology.ui.static.test.ts"
if [ "${CUTOVER_EXAMPLE_FAIL:-}" = "terminology-ui-tests" ]; then
  echo "FAILED (CUTOVER_EXAMPLE_FAIL=terminology-ui-tests)"
  exit 1
fi
echo "passed"
