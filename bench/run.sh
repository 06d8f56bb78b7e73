#!/usr/bin/env bash
# Reruns every WsAuth benchmark on this machine and rewrites the results, in about 8 minutes on 2 cores (bounded: the
# load test stops itself after 15 minutes whatever happens):
#   bench/results/micro/     BenchmarkDotNet micro benchmarks (JSON and Markdown per class)
#   bench/results/loadtest.json, loadtest.md
#                            handshakes/s and latency per server with ratios to bare Kestrel, plain HTTP, echo,
#                            memory per idle connection, abuse slot, targets
#   docs/images/benchmarks.png, and the generated block of docs/benchmarks.md
# Everything runs on 127.0.0.1; every loop is bounded in count and time.
# Targets are reported, never asserted: the script ends with a one-line summary and exits 0 whether they are met or
# not (non-zero only when a tool fails: build, load test crash).
# Arguments go to the load test (e.g. --preliminary, --quick, --rounds 7). Environment:
#   WSAUTH_BENCH_SKIP_MICRO=1   skip the micro benchmarks
#   WSAUTH_NO_INSTALL=1         do not install missing tools (gnuplot-nox, the Node peer's npm packages)
#   WSAUTH_POSTGRES=...         the PostgreSQL database of the ticket-postgres row and micro benchmark (its own table,
#                               wsauth_bench_tickets, created if missing). Unset: test.sh's cluster (15/wsauth_test on
#                               127.0.0.1:55432) when it exists, started if it is down and stopped again at the end.
#                               No database: those rows say so and everything else runs.
#   WSAUTH_REDIS=host:port      the redis-server of the ticket-redis row (its own key prefix). Unset: a throwaway
#                               redis-server on a free loopback port, no persistence, stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
started=$(date +%s)
log() { printf '\n== %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
cleanup_steps=()
cleanup() { for step in "${cleanup_steps[@]}"; do eval "$step" || true; done; }
trap cleanup EXIT

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

# PostgreSQL for the ticket store rows: WSAUTH_POSTGRES, else test.sh's throwaway cluster if this machine has one.
if [ -z "${WSAUTH_POSTGRES:-}" ] && command -v pg_lsclusters >/dev/null 2>&1; then
  pg_cluster=$(pg_lsclusters -h 2>/dev/null | awk '$2 == "wsauth_test" {print $1" "$3" "$4; exit}')
  if [ -n "$pg_cluster" ]; then
    read -r pg_version pg_port pg_status <<<"$pg_cluster"
    if [ "$pg_status" != online ]; then
      log "starting test.sh's PostgreSQL cluster $pg_version/wsauth_test (stopped again at the end)"
      if as_root pg_ctlcluster "$pg_version" wsauth_test start; then
        [ "${WSAUTH_KEEP_POSTGRES:-}" = 1 ] || cleanup_steps+=("as_root pg_ctlcluster '$pg_version' wsauth_test stop >/dev/null 2>&1")
      fi
    fi
    as_root runuser -u postgres -- psql -q -h 127.0.0.1 -p "$pg_port" -tc "SELECT 1 FROM pg_database WHERE datname='wsauth_test'" 2>/dev/null | grep -q 1 \
      || as_root runuser -u postgres -- psql -q -h 127.0.0.1 -p "$pg_port" -c "CREATE DATABASE wsauth_test" >/dev/null 2>&1 || true
    export WSAUTH_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=wsauth_test"
  fi
fi
if [ -n "${WSAUTH_POSTGRES:-}" ]; then echo "PostgreSQL for the ticket store rows: WSAUTH_POSTGRES"; else echo "PostgreSQL: none, the ticket-postgres rows will say so"; fi

# Redis for the ticket-redis row: WSAUTH_REDIS, else a throwaway redis-server (loopback, no persistence).
if [ -z "${WSAUTH_REDIS:-}" ] && command -v redis-server >/dev/null 2>&1; then
  redis_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  redis_dir=$(mktemp -d)
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$redis_dir" \
    --daemonize yes --pidfile "$redis_dir/redis.pid" --logfile "$redis_dir/redis.log"
  cleanup_steps+=("kill \$(cat '$redis_dir/redis.pid') 2>/dev/null; rm -rf '$redis_dir'")
  for _ in $(seq 1 40); do
    [ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null)" = PONG ] && break
    sleep 0.25
  done
  export WSAUTH_REDIS="127.0.0.1:$redis_port"
fi
if [ -n "${WSAUTH_REDIS:-}" ]; then echo "Redis for the ticket-redis row: $WSAUTH_REDIS"; else echo "Redis: none (apt-get install redis-server), the ticket-redis row will say so"; fi

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

# 7. One line: what was met, what was missed, how long it took. Targets never fail the script.
elapsed=$(( $(date +%s) - started ))
dotnet bench/WsAuth.LoadTest/bin/Release/net10.0/WsAuth.LoadTest.dll summary bench/results/loadtest.json "$elapsed" || echo "bench/run.sh: finished in ${elapsed} s (no summary)"
exit 0
