#!/bin/sh
# Stand-in for the application's tests behind this gate; a real plan runs them here:
#   npx vitest run server/src/test/unit/billing/invoiceCandidateGrouping.test.ts
# It passes unless CUTOVER_EXAMPLE_FAIL names this gate (grouping-tests), to show a failing gate.
echo "Stage D: invoice-window grouping and explainable split reasons"
echo "stand-in for: npx vitest run server/src/test/unit/billing/invoiceCandidateGrouping.test.ts"
if [ "${CUTOVER_EXAMPLE_FAIL:-}" = "grouping-tests" ]; then
  echo "FAILED (CUTOVER_EXAMPLE_FAIL=grouping-tests)"
  exit 1
fi
echo "passed"
