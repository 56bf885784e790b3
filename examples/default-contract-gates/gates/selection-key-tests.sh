#!/bin/sh
# Stand-in for the application's tests behind this gate; a real plan runs them here:
#   cd server && npx vitest run src/test/unit/billing/invoiceGeneration.unresolvedSelectionKeys.test.ts
# It passes unless CUTOVER_EXAMPLE_FAIL names this gate (selection-key-tests), to show a failing gate.
echo "Stage 5: recurring selection keys without the legacy fallback"
echo "stand-in for: cd server && npx vitest run src/test/unit/billing/invoiceGeneration.unresolvedSelectionKeys.test.ts"
if [ "${CUTOVER_EXAMPLE_FAIL:-}" = "selection-key-tests" ]; then
  echo "FAILED (CUTOVER_EXAMPLE_FAIL=selection-key-tests)"
  exit 1
fi
echo "passed"
