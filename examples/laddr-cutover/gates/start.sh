#!/bin/sh
# Starts the stand-in of the new web layer's legacy redirects (LegacyRedirects.java) on
# 127.0.0.1:PORT in the background, and returns once it listens; stop.sh PORT stops it.
#   sh start.sh path/to/LegacyRedirects.java PORT
# It runs with the Java that runs the worker's build (JAVA_HOME, else java on PATH), by the
# source launcher (flags for a quick start), and stops by itself after 10 minutes if stop.sh is never reached.
set -eu
source_file="$1"
port="$2"
state="${TMPDIR:-/tmp}/cutover-laddr-redirects-$port"
mkdir -p "$state"
if [ -f "$state/pid" ] && kill -0 "$(cat "$state/pid")" 2>/dev/null; then
  echo "stopping the stand-in a previous run left (pid $(cat "$state/pid"))"
  kill "$(cat "$state/pid")" || true
  sleep 1
fi
rm -f "$state/ready" "$state/pid"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
nohup "$java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData "$source_file" 127.0.0.1 "$port" "$state/ready" 600 </dev/null >"$state/log" 2>&1 &
pid=$!
echo "$pid" >"$state/pid"
tries=0
while [ ! -f "$state/ready" ]; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "the stand-in exited before it listened on 127.0.0.1:$port:"
    cat "$state/log"
    rm -f "$state/pid"
    exit 1
  fi
  tries=$((tries + 1))
  if [ "$tries" -gt 400 ]; then
    echo "the stand-in did not listen on 127.0.0.1:$port within 40 s; stopping it"
    kill "$pid" || true
    cat "$state/log"
    exit 1
  fi
  sleep 0.1
done
echo "stand-in legacy redirects listening on http://127.0.0.1:$port (pid $pid)"
