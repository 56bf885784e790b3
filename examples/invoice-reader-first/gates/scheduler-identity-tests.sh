#!/bin/sh
# Stand-in for the application's tests behind this gate; a real plan runs them here:
#   npx vitest run server/src/test/unit/billing/executionWindowIdentity.test.ts
# It passes unless CUTOVER_EXAMPLE_FAIL names this gate (scheduler-identity-tests), to show a failing gate.
echo "Stage C: selector-input jobs and retry keys for client and contract cadence"
echo "stand-in for: npx vitest run server/src/test/unit/billing/executionWindowIdentity.test.ts"
if [ "${CUTOVER_EXAMPLE_FAIL:-}" = "scheduler-identity-tests" ]; then
  echo "FAILED (CUTOVER_EXAMPLE_FAIL=scheduler-identity-tests)"
  exit 1
fi
echo "passed"
