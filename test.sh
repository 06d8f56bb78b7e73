#!/usr/bin/env bash
# Runs every WsAuth test on a fresh Debian machine like CI's:
#   - installs what is missing (Debian packages: postgresql, chromium, redis-server, nginx, curl, nodejs; npm packages of clients/js),
#   - starts a throwaway PostgreSQL cluster on 127.0.0.1 (unless WSAUTH_POSTGRES is already set),
#   - starts a throwaway redis-server on 127.0.0.1, on a free high port, without persistence (unless WSAUTH_REDIS is set),
#   - runs `npm test` of clients/js (which compiles the TypeScript client), then `dotnet test WsAuth.sln`.
# Plain `dotnet test` still works for the tests that need nothing; the PostgreSQL and Redis tests then fail with a
# message saying how to start a server, unless WSAUTH_SKIP_POSTGRES=1 / WSAUTH_SKIP_REDIS=1 (CI never sets them).
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)

log() { printf '\n== %s\n' "$*"; }

# What to stop when the script ends, however it ends.
cleanup_steps=()
cleanup() { for step in "${cleanup_steps[@]}"; do eval "$step" || true; done; }
trap cleanup EXIT

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# 1. Debian packages
missing=()
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
{ command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; } || missing+=(nginx)   # samples/cluster's tests
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)   # clients/js: tsc and its tests (Node.js 20+)
if [ ${#missing[@]} -gt 0 ] && [ "${WSAUTH_NO_INSTALL:-}" != 1 ]; then
  log "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if command -v chromium >/dev/null 2>&1; then
  export WSAUTH_CHROMIUM="${WSAUTH_CHROMIUM:-$(command -v chromium)}"
fi

# 2. A throwaway PostgreSQL cluster (trust auth on loopback only; stopped when the tests end)
if [ -z "${WSAUTH_POSTGRES:-}" ] && [ "${WSAUTH_SKIP_POSTGRES:-}" != 1 ]; then
  pg_version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  pg_port="${WSAUTH_POSTGRES_PORT:-55432}"
  cluster=wsauth_test
  if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$pg_version $cluster"; then
    log "creating PostgreSQL $pg_version cluster '$cluster' on 127.0.0.1:$pg_port"
    as_root pg_createcluster "$pg_version" "$cluster" --port "$pg_port" -- --auth=trust >/dev/null
    as_root sh -c "echo \"listen_addresses = '127.0.0.1'\" >> /etc/postgresql/$pg_version/$cluster/postgresql.conf"
  fi
  if ! pg_lsclusters -h | awk -v v="$pg_version" -v c="$cluster" '$1==v && $2==c {print $4}' | grep -q online; then
    log "starting PostgreSQL cluster '$cluster'"
    as_root pg_ctlcluster "$pg_version" "$cluster" start
    if [ "${WSAUTH_KEEP_POSTGRES:-}" != 1 ]; then
      cleanup_steps+=("as_root pg_ctlcluster '$pg_version' '$cluster' stop >/dev/null 2>&1")
    fi
  fi
  for _ in $(seq 1 30); do
    if pg_isready -q -h 127.0.0.1 -p "$pg_port"; then break; fi
    sleep 0.5
  done
  as_root runuser -u postgres -- psql -q -h 127.0.0.1 -p "$pg_port" -tc "SELECT 1 FROM pg_database WHERE datname='wsauth_test'" | grep -q 1 \
    || as_root runuser -u postgres -- psql -q -h 127.0.0.1 -p "$pg_port" -c "CREATE DATABASE wsauth_test" >/dev/null
  export WSAUTH_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=wsauth_test"
  export WSAUTH_POSTGRES_CLUSTER="$pg_version/$cluster"
fi

# 3. A throwaway redis-server (loopback only, no persistence, a free high port; stopped when the tests end). The fault
#    tests start their own redis-server processes from PATH besides this one.
if [ -z "${WSAUTH_REDIS:-}" ] && [ "${WSAUTH_SKIP_REDIS:-}" != 1 ]; then
  redis_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  redis_dir=$(mktemp -d)
  log "starting redis-server on 127.0.0.1:$redis_port"
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$redis_dir" \
    --daemonize yes --pidfile "$redis_dir/redis.pid" --logfile "$redis_dir/redis.log"
  cleanup_steps+=("kill \$(cat '$redis_dir/redis.pid') 2>/dev/null; rm -rf '$redis_dir'")
  for _ in $(seq 1 40); do
    if [ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null)" = PONG ]; then break; fi
    sleep 0.25
  done
  export WSAUTH_REDIS="127.0.0.1:$redis_port"
fi

# 4. npm packages and tests of the browser client
npm_log=$(mktemp /tmp/wsauth-npm-test.XXXXXX.log)
dotnet_log=$(mktemp /tmp/wsauth-dotnet-test.XXXXXX.log)
cleanup_steps+=("rm -f '$npm_log' '$dotnet_log'")
npm_summary=""
if [ -f clients/js/package.json ]; then
  log "clients/js: npm test"
  # `npm test` compiles the TypeScript client to clients/js/dist first (pretest), which the sample and the browser
  # tests below serve; node_modules must hold the pinned typescript compiler.
  (cd clients/js && { { [ -f node_modules/typescript/package.json ] && [ -f node_modules/@microsoft/signalr/package.json ]; } || npm ci --no-audit --no-fund --silent 2>/dev/null || npm install --no-audit --no-fund --silent; } && npm test) | tee "$npm_log"
  npm_pass=$(grep -E '^# pass' "$npm_log" | awk '{s+=$3} END {print s+0}')
  npm_fail=$(grep -E '^# fail' "$npm_log" | awk '{s+=$3} END {print s+0}')
  npm_summary="$npm_pass passed, $npm_fail failed"
fi

# 5. Every .NET test
log "dotnet test WsAuth.sln"
set +e
dotnet test WsAuth.sln "$@" 2>&1 | tee "$dotnet_log"
status=${PIPESTATUS[0]}
set -e

passed=$(grep -Eo 'Passed: +[0-9]+' "$dotnet_log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$dotnet_log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$dotnet_log" | awk '{s+=$2} END {print s+0}')
[ -n "$npm_summary" ] && echo "npm: $npm_summary"
echo "dotnet: $passed passed, $failed failed, $skipped skipped"
exit "$status"
