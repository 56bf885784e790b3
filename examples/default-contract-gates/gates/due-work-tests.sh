#!/bin/sh
# Stand-in for the application's tests behind this gate; a real plan runs them here:
#   cd server && npx vitest run src/test/unit/billing/nonContractDueWork.integration.test.ts
# It passes unless CUTOVER_EXAMPLE_FAIL names this gate (due-work-tests), to show a failing gate.
echo "Stage 4: due work excludes deterministic rows"
echo "stand-in for: cd server && npx vitest run src/test/unit/billing/nonContractDueWork.integration.test.ts"
if [ "${CUTOVER_EXAMPLE_FAIL:-}" = "due-work-tests" ]; then
  echo "FAILED (CUTOVER_EXAMPLE_FAIL=due-work-tests)"
  exit 1
fi
echo "passed"
