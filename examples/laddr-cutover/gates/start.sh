#!/bin/sh
# Starts the stand-in of the new web layer's legacy redirects (LegacyRedirects.java) on
# 127.0.0.1:PORT in the background, and returns once it listens; stop.sh PORT stops it.
#   sh start.sh path/to/LegacyRedirects.java PORT
# It runs with the Java of JAVA_HOME, else java on PATH: compiled once into a cache keyed by the
# source's checksum (javac), or by the source launcher where javac is missing. It stops by itself
# after 10 minutes if stop.sh is never reached.
set -eu
source_file="$1"
port="$2"
tmp="${TMPDIR:-/tmp}"
state="$tmp/cutover-laddr-redirects-$port"
mkdir -p "$state"
if [ -f "$state/pid" ] && kill -0 "$(cat "$state/pid")" 2>/dev/null; then
  echo "stopping the stand-in a previous run left (pid $(cat "$state/pid"))"
  kill -9 "$(cat "$state/pid")" || true
  sleep 0.2
fi
rm -f "$state/ready" "$state/pid"
bin="${JAVA_HOME:+$JAVA_HOME/bin/}"
quick="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData"
classes="$tmp/cutover-laddr-redirects-classes/$(cksum <"$source_file" | cut -d ' ' -f 1)"
if [ ! -f "$classes/LegacyRedirects.class" ] && command -v "${bin}javac" >/dev/null 2>&1; then
  mkdir -p "$classes.tmp.$$"
  "${bin}javac" -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC -d "$classes.tmp.$$" "$source_file"
  mv "$classes.tmp.$$" "$classes" 2>/dev/null || rm -rf "$classes.tmp.$$"
fi
if [ -f "$classes/LegacyRedirects.class" ]; then
  set -- -cp "$classes" LegacyRedirects
else
  set -- "$source_file"
fi
# shellcheck disable=SC2086 # the quick-start flags are words
nohup "${bin}java" $quick "$@" 127.0.0.1 "$port" "$state/ready" 600 </dev/null >"$state/log" 2>&1 &
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
  if [ "$tries" -gt 800 ]; then
    echo "the stand-in did not listen on 127.0.0.1:$port within 40 s; stopping it"
    kill -9 "$pid" || true
    cat "$state/log"
    exit 1
  fi
  sleep 0.05
done
echo "stand-in legacy redirects listening on http://127.0.0.1:$port (pid $pid)"
