#!/bin/sh
# Stand-in for the application's tests behind this gate; a real plan runs them here:
#   npx vitest run --config shared/vitest.config.ts shared/__tests__/billingSchedule.historyBootstrap.test.ts
# It passes unless CUTOVER_EXAMPLE_FAIL names this gate (history-bootstrap-tests), to show a failing gate.
echo "Stage 9: historical bootstrap of uninvoiced billing cycles"
echo "stand-in for: npx vitest run --config shared/vitest.config.ts shared/__tests__/billingSchedule.historyBootstrap.test.ts"
if [ "${CUTOVER_EXAMPLE_FAIL:-}" = "history-bootstrap-tests" ]; then
  echo "FAILED (CUTOVER_EXAMPLE_FAIL=history-bootstrap-tests)"
  exit 1
fi
echo "passed"
