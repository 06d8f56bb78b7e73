#!/usr/bin/env bash
# Proves the NuGet packages work for a user: packs every package into a local folder feed, creates a scratch app that
# restores them from there (not from the project), builds it, runs it on loopback and completes WebSocket handshakes
# and a ticket round trip on each ticket store it can reach: in memory always, PostgreSQL when WSAUTH_POSTGRES is set,
# Redis at WSAUTH_REDIS (or a throwaway redis-server this script starts when redis-server is installed).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work=$(mktemp -d)
app_pid=
redis_pid=
trap '[ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null; [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null; rm -rf "$work"' EXIT

echo "== packing every project under src/ into $work/feed"
for project in "$root"/src/*/*.csproj; do
  dotnet pack "$project" -c Release -o "$work/feed" -p:ContinuousIntegrationBuild=true >"$work/pack.log" 2>&1 \
    || { cat "$work/pack.log"; echo "package smoke test FAILED: dotnet pack $project"; exit 1; }
done

# Every package must carry what a user reads: README, license, repository, XML docs, and a symbols package.
for nupkg in "$work"/feed/*.nupkg; do
  case "$nupkg" in *.symbols.nupkg) continue ;; esac
  id=$(unzip -p "$nupkg" '*.nuspec' | sed -n 's:.*<id>\(.*\)</id>.*:\1:p')
  unzip -l "$nupkg" | grep 'README.md' >/dev/null || { echo "$id: no README"; exit 1; }
  unzip -l "$nupkg" | grep "lib/net10.0/$id.xml" >/dev/null || { echo "$id: no XML docs"; exit 1; }
  unzip -p "$nupkg" '*.nuspec' | grep '<license type="expression">MIT</license>' >/dev/null || { echo "$id: no license"; exit 1; }
  unzip -p "$nupkg" '*.nuspec' | grep '<repository type="git"' >/dev/null || { echo "$id: no repository"; exit 1; }
  ls "${nupkg%.nupkg}.snupkg" >/dev/null || { echo "$id: no symbols package"; exit 1; }
  echo "   $id: README, XML docs, license, repository, symbols"
done
nupkg=$(ls "$work"/feed/WsAuth.[0-9]*.nupkg | head -n 1)
version=$(basename "$nupkg" .nupkg); version=${version#WsAuth.}

echo "== scratch app restoring WsAuth $version from the folder feed"
mkdir -p "$work/app"
cat > "$work/app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$work/feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="local"><package pattern="WsAuth" /><package pattern="WsAuth.*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
XML
cat > "$work/app/Scratch.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="WsAuth" Version="$version" />
    <PackageReference Include="WsAuth.Postgres" Version="$version" />
    <PackageReference Include="WsAuth.Redis" Version="$version" />
  </ItemGroup>
</Project>
XML
cat > "$work/app/Program.cs" <<'CS'
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using WsAuth;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddAuthentication().AddCookie(o => o.Events.OnRedirectToLogin = c => { c.Response.StatusCode = 401; return Task.CompletedTask; });
builder.Services.AddAuthorization();
var webSocketAuth = builder.Services.AddWebSocketAuth(o => o.AllowedOrigins.Add("https://app.example.com"))
    .AddAuthenticator<KeyAuthenticator>("key")
    .AddTickets();
switch (Environment.GetEnvironmentVariable("SMOKE_STORE"))
{
    case "postgres":
        webSocketAuth.AddPostgresTicketStore(Environment.GetEnvironmentVariable("WSAUTH_POSTGRES")!, o => { o.TableName = "wsauth_smoke_tickets"; o.CreateTableIfMissing = true; });
        break;
    case "redis":
        webSocketAuth.AddRedisTicketStore(Environment.GetEnvironmentVariable("WSAUTH_REDIS")!, o => o.KeyPrefix = "wsauth-smoke:ticket:");
        break;
}

builder.Services.AddHealthChecks().AddWebSocketTicketStore();

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.UseWebSocketAuth();
app.MapPost("/login", (HttpContext c) => c.SignInAsync(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "smoke")], "Cookies"))));
app.MapWebSocketTickets("/ws/ticket");
app.MapHealthChecks("/healthz");
app.Map("/ws", async context =>
{
    using var socket = await context.WebSockets.AcceptWebSocketAsync();
    await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, context.User.Identity?.Name, default);
});
app.Run();

sealed class KeyAuthenticator : IWebSocketAuthenticator
{
    public ValueTask<WebSocketAuthenticateResult> AuthenticateAsync(WebSocketAuthenticateContext context, CancellationToken cancellationToken)
        => ValueTask.FromResult(context.HttpContext.Request.Headers["X-Key"] == "demo"
            ? WebSocketAuthenticateResult.Success(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "smoke")], "key")))
            : WebSocketAuthenticateResult.NoCredentials);
}
CS
(cd "$work/app" && dotnet build -c Release --nologo --packages "$work/packages" >"$work/build.log" 2>&1) \
  || { cat "$work/build.log"; echo "package smoke test FAILED: the scratch app does not build"; exit 1; }
# It really came from the folder feed.
test -d "$work/packages/wsauth/$version"
test -d "$work/packages/wsauth.postgres/$version"
test -d "$work/packages/wsauth.redis/$version"

# Redis: WSAUTH_REDIS, else a throwaway redis-server (loopback, no persistence) when one is installed.
if [ -z "${WSAUTH_REDIS:-}" ] && command -v redis-server >/dev/null 2>&1; then
  redis_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 1 40); do
    [ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null)" = PONG ] && break
    sleep 0.25
  done
  export WSAUTH_REDIS="127.0.0.1:$redis_port"
fi

handshake() {
  curl -s -i --max-time 3 -H "Connection: Upgrade" -H "Upgrade: websocket" -H "Sec-WebSocket-Version: 13" \
    -H "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==" "$@" "http://127.0.0.1:$port/ws" 2>/dev/null | head -n 1 | tr -d '\r' || true
}

# One run of the scratch app on a store: guarded handshakes, a ticket redeemed once, the health check.
smoke() {
  local store=$1
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  (cd "$work/app" && SMOKE_STORE=$store ASPNETCORE_ENVIRONMENT=Development exec dotnet bin/Release/net10.0/Scratch.dll --urls "http://127.0.0.1:$port" >"$work/app-$store.log" 2>&1) &
  app_pid=$!
  for _ in $(seq 1 60); do
    curl -s -o /dev/null "http://127.0.0.1:$port/" && break
    sleep 0.5
  done
  local ok cross none ticket redeemed replayed health
  ok=$(handshake -H "Origin: https://app.example.com" -H "X-Key: demo")
  cross=$(handshake -H "Origin: https://evil.test" -H "X-Key: demo")
  none=$(handshake -H "Origin: https://app.example.com")
  curl -s -o /dev/null -c "$work/cookies" -X POST "http://127.0.0.1:$port/login"
  ticket=$(curl -s -b "$work/cookies" -H "Origin: https://app.example.com" -X POST "http://127.0.0.1:$port/ws/ticket" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["ticket"])') || ticket=none
  redeemed=$(handshake -H "Origin: https://app.example.com" --url-query "ticket=$ticket")
  replayed=$(handshake -H "Origin: https://app.example.com" --url-query "ticket=$ticket")
  health=$(curl -s --max-time 5 "http://127.0.0.1:$port/healthz" || true)
  kill "$app_pid" 2>/dev/null; wait "$app_pid" 2>/dev/null || true; app_pid=
  echo "[$store] allowed origin + key: $ok | foreign origin: $cross | no credential: $none | ticket: $redeemed | replay: $replayed | /healthz: $health"
  [[ "$ok" == *" 101 "* ]] && [[ "$cross" == *" 403 "* ]] && [[ "$none" == *" 401 "* ]] \
    && [[ "$redeemed" == *" 101 "* ]] && [[ "$replayed" == *" 401 "* ]] && [[ "$health" == Healthy ]] \
    || { cat "$work/app-$store.log"; echo "package smoke test FAILED ($store store)"; exit 1; }
}

stores=(memory)
[ -n "${WSAUTH_POSTGRES:-}" ] && stores+=(postgres)
[ -n "${WSAUTH_REDIS:-}" ] && stores+=(redis)
for store in "${stores[@]}"; do smoke "$store"; done
echo "package smoke test passed: WsAuth, WsAuth.Postgres and WsAuth.Redis $version from a folder feed complete guarded handshakes and a ticket round trip (${stores[*]})"
