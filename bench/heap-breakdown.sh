#!/usr/bin/env bash
# What one idle WebSocket keeps alive on a bench server, by type, beyond a baseline server; and what one handshake
# allocates. The figures behind "Memory per idle connection, object by object" in docs/benchmarks.md.
#
#   bench/heap-breakdown.sh [scenario] [baseline] [connections]     (defaults: origin bare 5000)
#
# For each of the two servers (the load test's `serve <id>`, on 127.0.0.1): opens <connections> idle WebSockets from
# Node, takes a heap dump (dotnet-dump, installed with `dotnet tool install -g dotnet-dump` if missing), keeps only the
# `dumpheap -stat -live` table, and closes everything; then prints the difference per connection by type (live objects,
# exact sizes), and each server's managed allocation per handshake (5,000 connect/close cycles after a warm-up).
# A scenario whose handshake carries a JWT in the query (jwt-query) is compared with a baseline handshaken with the
# same URL: Kestrel keeps the request target and the query string for the connection's life, with or without WsAuth.
# Writes bench/results/heap/<scenario>-vs-<baseline>.md. Takes about a minute per server.
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:-origin}
baseline=${2:-bare}
connections=${3:-5000}
out=bench/results/heap
mkdir -p "$out"
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

dump_tool=${DOTNET_DUMP:-$HOME/.dotnet/tools/dotnet-dump}
if [ ! -x "$dump_tool" ] && ! command -v dotnet-dump >/dev/null 2>&1; then
  dotnet tool install -g dotnet-dump >/dev/null
fi
[ -x "$dump_tool" ] || dump_tool=dotnet-dump
[ -d bench/node-peer/node_modules ] || (cd bench/node-peer && npm ci --no-audit --no-fund --silent)
dotnet build bench/WsAuth.LoadTest -c Release -nologo -v q >/dev/null
loadtest=bench/WsAuth.LoadTest/bin/Release/net10.0/WsAuth.LoadTest.dll
export WSAUTH_BENCH_JWT_SECRET=${WSAUTH_BENCH_JWT_SECRET:-$(head -c 32 /dev/urandom | base64)}
query=""
if [ "$scenario" = jwt-query ]; then query="?access_token=$(node bench/heap/clients.mjs jwt)"; fi
first_message_token=""
if [ "$scenario" = first-message ]; then first_message_token=$(node bench/heap/clients.mjs jwt); fi

# measure <id>: serve it, hold the connections, dump, then cycle handshakes on a fresh server.
measure() {
  local id=$1 stdin_pipe="$work/$1.in" log="$work/$1.log"
  mkfifo "$stdin_pipe"
  dotnet "$loadtest" serve "$id" <"$stdin_pipe" >"$log" 2>&1 &
  local server=$!
  pids+=("$server")
  exec 7>"$stdin_pipe"
  for _ in $(seq 100); do grep -q READY "$log" && break; sleep 0.1; done
  local url
  url=$(awk '/READY/ {print $2}' "$log" | sed 's/^http/ws/')
  local token=""
  if [ "$id" = first-message ]; then token=$first_message_token; fi
  WSAUTH_HEAP_FIRST_MESSAGE_TOKEN=$token node bench/heap/clients.mjs hold "$url/ws$query" "$connections" >"$work/$id.hold" &
  local holder=$!
  pids+=("$holder")
  for _ in $(seq 300); do grep -q OPEN "$work/$id.hold" && break; sleep 0.2; done
  echo "$id: $(cat "$work/$id.hold")" >&2
  sleep 2
  "$dump_tool" collect -p "$server" --type Heap -o "$work/$id.dmp" >/dev/null
  "$dump_tool" analyze "$work/$id.dmp" -c "dumpheap -stat -live" -c exit >"$work/$id.stat"
  rm -f "$work/$id.dmp"
  kill "$holder" 2>/dev/null || true
  echo "$id: $(WSAUTH_HEAP_FIRST_MESSAGE_TOKEN=$token node bench/heap/clients.mjs cycle "$url/ws$query" 5000)" >"$work/$id.alloc"
  exec 7>&-
  wait "$server" 2>/dev/null || true
  rm -f "$stdin_pipe"
}

measure "$baseline"
measure "$scenario"
{
  echo "# Live objects per idle connection: $scenario beyond $baseline"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M') UTC, $connections idle WebSockets each, \`bench/heap-breakdown.sh $scenario $baseline $connections\`${query:+ (both handshaken with a JWT in the query)}."
  echo
  node bench/heap/compare.mjs "$work/$baseline.stat" "$work/$scenario.stat" "$connections"
  echo
  echo "Managed allocation per handshake (5,000 connect/close cycles after 2,000 warm-up ones, process-wide):"
  echo
  sed 's/^/- /' "$work/$baseline.alloc" "$work/$scenario.alloc"
} | tee "$out/$scenario-vs-$baseline.md"
