#!/bin/sh
# Stops the stand-in that start.sh started on 127.0.0.1:PORT (it keeps nothing: killed at once,
# its socket closed as it dies).
#   sh stop.sh PORT
set -eu
state="${TMPDIR:-/tmp}/cutover-laddr-redirects-$1"
if [ ! -f "$state/pid" ]; then
  echo "no stand-in runs on port $1"
  exit 0
fi
pid="$(cat "$state/pid")"
if kill -9 "$pid" 2>/dev/null; then
  echo "stopped the stand-in legacy redirects (pid $pid)"
else
  echo "the stand-in (pid $pid) had already stopped"
fi
rm -rf "$state"
