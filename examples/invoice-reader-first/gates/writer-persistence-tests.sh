#!/bin/sh
# Stand-in for the application's tests behind this gate; a real plan runs them here:
#   npx vitest run server/src/test/unit/billing/recurringDetailPersistence.test.ts
# It passes unless CUTOVER_EXAMPLE_FAIL names this gate (writer-persistence-tests), to show a failing gate.
echo "Stage B: canonical recurring detail periods persisted on new recurring invoices"
echo "stand-in for: npx vitest run server/src/test/unit/billing/recurringDetailPersistence.test.ts"
if [ "${CUTOVER_EXAMPLE_FAIL:-}" = "writer-persistence-tests" ]; then
  echo "FAILED (CUTOVER_EXAMPLE_FAIL=writer-persistence-tests)"
  exit 1
fi
echo "passed"
