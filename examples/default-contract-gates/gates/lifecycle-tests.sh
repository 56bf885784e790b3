#!/bin/sh
# Stand-in for the application's tests behind this gate; a real plan runs them here:
#   lifecycle integration tests for package delete and API/controller delete paths
# It passes unless CUTOVER_EXAMPLE_FAIL names this gate (lifecycle-tests), to show a failing gate.
echo "Stage 7: package and API delete paths remove default-contract artifacts"
echo "stand-in for: lifecycle integration tests for package delete and API/controller delete paths"
if [ "${CUTOVER_EXAMPLE_FAIL:-}" = "lifecycle-tests" ]; then
  echo "FAILED (CUTOVER_EXAMPLE_FAIL=lifecycle-tests)"
  exit 1
fi
echo "passed"
