#!/bin/sh
# Stand-in for the application's tests behind this gate; a real plan runs them here:
#   npx vitest run --config shared/vitest.config.ts shared/__tests__/billingSettings.defaultContract.ensure.test.ts
# It passes unless CUTOVER_EXAMPLE_FAIL names this gate (ensure-tests), to show a failing gate.
echo "Stage 1: ensureDefaultContractForClient is idempotent and concurrency-safe"
echo "stand-in for: npx vitest run --config shared/vitest.config.ts shared/__tests__/billingSettings.defaultContract.ensure.test.ts"
if [ "${CUTOVER_EXAMPLE_FAIL:-}" = "ensure-tests" ]; then
  echo "FAILED (CUTOVER_EXAMPLE_FAIL=ensure-tests)"
  exit 1
fi
echo "passed"
