#!/bin/sh
# Stand-in for the application's tests behind this gate; a real plan runs them here:
#   cd server && npx vitest run src/test/unit/billing/defaultContractObservability.wiring.test.ts
# It passes unless CUTOVER_EXAMPLE_FAIL names this gate (observability-wiring-tests), to show a failing gate.
echo "Stage 8: structured logs and operational markers"
echo "stand-in for: cd server && npx vitest run src/test/unit/billing/defaultContractObservability.wiring.test.ts"
if [ "${CUTOVER_EXAMPLE_FAIL:-}" = "observability-wiring-tests" ]; then
  echo "FAILED (CUTOVER_EXAMPLE_FAIL=observability-wiring-tests)"
  exit 1
fi
echo "passed"
