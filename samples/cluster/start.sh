#!/usr/bin/env bash
# Three instances of the sample behind Debian nginx (round robin, no sticky sessions, X-Forwarded-* set by nginx and
# trusted by the sample), sharing Redis or PostgreSQL (tickets and revocation) and the Data Protection keys (login
# cookies) and the demo JWT key. Prints "READY <url>" when every instance answers /healthz through nginx, then runs
# until interrupted (Ctrl+C or SIGTERM), and stops everything it started.
#
#   samples/cluster/start.sh redis|postgres [-- extra sample arguments]
#
# Environment: CLUSTER_PORT (nginx, default 18080), INSTANCE_PORTS (default "5101 5102 5103"), WSAUTH_REDIS (an existing
# Redis; else one is started on REDIS_PORT, default 6401, without persistence), WSAUTH_POSTGRES (required for postgres),
# SAMPLE_DLL (a built WsAuth.Sample.dll; else the sample is built in Release), NGINX (default: nginx on PATH or
# /usr/sbin/nginx).
set -euo pipefail

engine=${1:-}
if [[ "$engine" != redis && "$engine" != postgres ]]; then
  echo "usage: $0 redis|postgres [-- extra sample arguments]" >&2
  exit 2
fi
shift
[[ "${1:-}" == "--" ]] && shift

root=$(cd "$(dirname "$0")/../.." && pwd)
cluster_port=${CLUSTER_PORT:-18080}
read -r -a instance_ports <<< "${INSTANCE_PORTS:-5101 5102 5103}"
nginx_bin=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
work=$(mktemp -d "${TMPDIR:-/tmp}/wsauth-cluster.XXXXXX")
pids=()

cleanup() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

dll=${SAMPLE_DLL:-}
if [[ -z "$dll" ]]; then
  dotnet build "$root/samples/WsAuth.Sample/WsAuth.Sample.csproj" -c Release -nologo -v q >&2
  dll="$root/samples/WsAuth.Sample/bin/Release/net10.0/WsAuth.Sample.dll"
fi

engine_args=()
if [[ "$engine" == redis ]]; then
  redis=${WSAUTH_REDIS:-}
  if [[ -z "$redis" ]]; then
    redis_port=${REDIS_PORT:-6401}
    redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" > "$work/redis.log" 2>&1 &
    pids+=("$!")
    redis="127.0.0.1:$redis_port"
  fi
  engine_args+=("--WsAuth:Redis:Configuration=$redis")
else
  : "${WSAUTH_POSTGRES:?set WSAUTH_POSTGRES to the Npgsql connection string of the shared database}"
  engine_args+=("--WsAuth:Postgres:ConnectionString=$WSAUTH_POSTGRES")
fi

jwt_key=$(head -c 32 /dev/urandom | base64 -w0)
mkdir -p "$work/keys" "$work/nginx-temp"
upstream=""
for port in "${instance_ports[@]}"; do
  ASPNETCORE_ENVIRONMENT=Development dotnet "$dll" \
    --urls "http://127.0.0.1:$port" \
    --contentRoot "$root/samples/WsAuth.Sample" \
    "--WsAuth:AllowedOrigins:0=http://127.0.0.1:$cluster_port" \
    "--WsAuth:AllowedOrigins:1=http://localhost:$cluster_port" \
    "--Sample:DataProtectionKeysPath=$work/keys" \
    "--Sample:JwtSigningKey=$jwt_key" \
    "--Sample:TrustForwardedHeaders=true" \
    "${engine_args[@]}" "$@" > "$work/instance-$port.log" 2>&1 &
  pids+=("$!")
  upstream+="    server 127.0.0.1:$port;"$'\n'
done

user_line=""
[[ "$(id -u)" == 0 ]] && user_line="user root;"
cat > "$work/nginx.conf" <<CONF
$user_line
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx-temp/body;
  proxy_temp_path $work/nginx-temp/proxy;
  fastcgi_temp_path $work/nginx-temp/fastcgi;
  uwsgi_temp_path $work/nginx-temp/uwsgi;
  scgi_temp_path $work/nginx-temp/scgi;
  map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
  upstream wsauth_sample {
$upstream  }
  server {
    listen 127.0.0.1:$cluster_port;
    location / {
      proxy_pass http://wsauth_sample;
      proxy_http_version 1.1;
      proxy_set_header Host \$http_host;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_read_timeout 1h;
    }
  }
}
CONF

for port in "${instance_ports[@]}"; do
  for _ in $(seq 1 240); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; then break; fi
    sleep 0.5
  done
  curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" || { echo "instance $port did not become healthy; its log:" >&2; tail -n 40 "$work/instance-$port.log" >&2; exit 1; }
done

"$nginx_bin" -c "$work/nginx.conf" -p "$work" &
nginx_pid=$!
pids+=("$nginx_pid")
for _ in $(seq 1 100); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$cluster_port/healthz" 2>/dev/null; then break; fi
  sleep 0.1
done
curl -fsS -o /dev/null "http://127.0.0.1:$cluster_port/healthz" || { echo "nginx did not answer; its log:" >&2; cat "$work/nginx-error.log" >&2; exit 1; }

echo "READY http://127.0.0.1:$cluster_port ($engine, instances ${instance_ports[*]})"
wait "$nginx_pid"
