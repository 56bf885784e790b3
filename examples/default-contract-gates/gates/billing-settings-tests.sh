#!/bin/sh
# Stand-in for the application's tests behind this gate; a real plan runs them here:
#   billing settings/schedule update integration tests (create/update/delete)
# It passes unless CUTOVER_EXAMPLE_FAIL names this gate (billing-settings-tests), to show a failing gate.
echo "Stage 2: billing settings/schedule create, update and delete paths"
echo "stand-in for: billing settings/schedule update integration tests (create/update/delete)"
if [ "${CUTOVER_EXAMPLE_FAIL:-}" = "billing-settings-tests" ]; then
  echo "FAILED (CUTOVER_EXAMPLE_FAIL=billing-settings-tests)"
  exit 1
fi
echo "passed"
