#!/bin/sh
# Stand-in for the application's tests behind this gate; a real plan runs them here:
#   cd packages/scheduling && npx vitest run tests/timeEntryCrud.changeRequests.test.ts
# It passes unless CUTOVER_EXAMPLE_FAIL names this gate (change-request-tests), to show a failing gate.
echo "Stage 3: effective-date resolution in scheduling"
echo "stand-in for: cd packages/scheduling && npx vitest run tests/timeEntryCrud.changeRequests.test.ts"
if [ "${CUTOVER_EXAMPLE_FAIL:-}" = "change-request-tests" ]; then
  echo "FAILED (CUTOVER_EXAMPLE_FAIL=change-request-tests)"
  exit 1
fi
echo "passed"
