#!/usr/bin/env bash
# Reruns every WsAuth benchmark on this machine and rewrites the results, in about 4 minutes on 2 cores (6 to 7 once
# the pending scenarios of issues 3, 4 and 5 are added):
#   bench/results/micro/     BenchmarkDotNet micro benchmarks (JSON and Markdown per class)
#   bench/results/loadtest.json, loadtest.md
#                            handshakes/s and latency per server with ratios to bare Kestrel, plain HTTP, echo,
#                            memory per idle connection, abuse slot, targets
#   docs/images/benchmarks.png, and the generated block of docs/benchmarks.md
# Everything runs on 127.0.0.1; every loop is bounded in count and time.
# Arguments go to the load test (e.g. --preliminary, --quick, --rounds 7). Environment:
#   WSAUTH_BENCH_SKIP_MICRO=1   skip the micro benchmarks
#   WSAUTH_NO_INSTALL=1         do not install missing tools (gnuplot-nox, the Node peer's npm packages)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
started=$(date +%s)
log() { printf '\n== %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. Tools: gnuplot draws the chart; node + the peer's packages run the Node peer (skipped with a message if absent).
if ! command -v gnuplot >/dev/null 2>&1 && [ "${WSAUTH_NO_INSTALL:-}" != 1 ]; then
  log "installing gnuplot-nox (chart)"
  as_root apt-get update -qq || true
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gnuplot-nox >/dev/null || echo "could not install gnuplot-nox: no chart"
fi
if command -v npm >/dev/null 2>&1 && [ ! -d bench/node-peer/node_modules ] && [ "${WSAUTH_NO_INSTALL:-}" != 1 ]; then
  log "bench/node-peer: npm ci"
  (cd bench/node-peer && npm ci --no-audit --no-fund --silent) || echo "npm ci failed: the Node peer will be reported as unavailable"
fi

# 2. Memory is measured at 10,000 connections: client and server each need a descriptor per connection.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "open files limit: $(ulimit -n)"

# 3. Build (Release).
log "build"
dotnet build bench/WsAuth.Benchmarks/WsAuth.Benchmarks.csproj -c Release -nologo -v q
dotnet build bench/WsAuth.LoadTest/WsAuth.LoadTest.csproj -c Release -nologo -v q

# 4. Micro benchmarks.
if [ "${WSAUTH_BENCH_SKIP_MICRO:-}" != 1 ]; then
  log "micro benchmarks (BenchmarkDotNet)"
  rm -rf bench/results/micro
  (cd bench && dotnet WsAuth.Benchmarks/bin/Release/net10.0/WsAuth.Benchmarks.dll --filter '*' --artifacts "$root/bench/results/micro") \
    | grep -E '^\||^// \*|Global total time' || true
  find bench/results/micro -name '*.log' -delete
fi

# 5. Load test: every server in turn, interleaved rounds, one client.
log "load test"
dotnet bench/WsAuth.LoadTest/bin/Release/net10.0/WsAuth.LoadTest.dll run "$@"

# 6. Chart and docs from the JSON.
log "chart and docs"
dotnet bench/WsAuth.LoadTest/bin/Release/net10.0/WsAuth.LoadTest.dll chart bench/results/loadtest.json docs/images/benchmarks.png || true
dotnet bench/WsAuth.LoadTest/bin/Release/net10.0/WsAuth.LoadTest.dll docs bench/results/loadtest.json docs/benchmarks.md bench/results/micro/results

echo "bench/run.sh finished in $(( $(date +%s) - started )) s"
