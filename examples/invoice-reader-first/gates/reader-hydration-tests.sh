#!/bin/sh
# Stand-in for the application's tests behind this gate; a real plan runs them here:
#   npx vitest run server/src/test/unit/billing/invoiceReaders.dualShape.test.ts
# It passes unless CUTOVER_EXAMPLE_FAIL names this gate (reader-hydration-tests), to show a failing gate.
echo "Stage A: reader hydration for historical flat and canonical detail-backed invoices"
echo "stand-in for: npx vitest run server/src/test/unit/billing/invoiceReaders.dualShape.test.ts"
if [ "${CUTOVER_EXAMPLE_FAIL:-}" = "reader-hydration-tests" ]; then
  echo "FAILED (CUTOVER_EXAMPLE_FAIL=reader-hydration-tests)"
  exit 1
fi
echo "passed"
