using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using WsAuth;

namespace WsAuth.LoadTest;

/// <summary>
/// <c>revocation --engine postgres|redis [--users 200] [--connection ...]</c>: time from a revocation made on instance A
/// to the close frame (4401 <c>revoked</c>) arriving at a client of the same user connected to instance B. A and B are
/// two WsAuth hosts (each its own Kestrel on 127.0.0.1, its own backplane connection) sharing the engine; the clients
/// are raw <see cref="ClientWebSocket"/>s. Users are revoked one at a time, so each figure is one revocation's latency.
/// Reports p50, p90, p99 and max; writes <c>bench/results/revocation-&lt;engine&gt;.md</c>.
/// </summary>
internal static class RevocationLatencyCommand
{
    private static readonly SymmetricSecurityKey Key = new(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public static async Task<int> RunAsync(string[] args)
    {
        var engine = Option(args, "--engine") ?? "postgres";
        var users = int.Parse(Option(args, "--users") ?? "200", CultureInfo.InvariantCulture);
        var connection = Option(args, "--connection")
            ?? Environment.GetEnvironmentVariable(engine == "redis" ? "WSAUTH_REDIS" : "WSAUTH_POSTGRES")
            ?? throw new InvalidOperationException($"Give --connection or set {(engine == "redis" ? "WSAUTH_REDIS" : "WSAUTH_POSTGRES")}.");
        var suffix = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));

        try
        {
            return await MeasureAsync(engine, users, connection, suffix);
        }
        finally
        {
            if (engine != "redis")
            {
                // Leave the database as it was: the table is this run's own (Redis keys expire with the revocations).
                await using var dataSource = Npgsql.NpgsqlDataSource.Create(connection);
                await using var drop = dataSource.CreateCommand("DROP TABLE IF EXISTS \"wsauth_bench_revocations_" + suffix + "\"");
                await drop.ExecuteNonQueryAsync();
            }
        }
    }

    private static async Task<int> MeasureAsync(string engine, int users, string connection, string suffix)
    {
        await using var a = await StartAsync(engine, connection, suffix);
        await using var b = await StartAsync(engine, connection, suffix);
        var revocation = a.Services.GetRequiredService<IWebSocketRevocation>();
        var bUri = new Uri(b.Urls.First().Replace("http://", "ws://", StringComparison.Ordinal) + "/ws");

        // Warm both paths (JIT, pools, the first NOTIFY/PUBLISH) before measuring.
        for (var i = 0; i < 10; i++)
        {
            await MeasureOneAsync(revocation, bUri, "warm-" + i);
        }

        var samples = new List<double>(users);
        for (var i = 0; i < users; i++)
        {
            samples.Add(await MeasureOneAsync(revocation, bUri, "user-" + i));
        }

        samples.Sort();
        double P(double q) => samples[Math.Min(samples.Count - 1, (int)Math.Ceiling(q * samples.Count) - 1)];
        var line = string.Create(CultureInfo.InvariantCulture, $"| {engine} | {users} | {P(0.5):F1} | {P(0.9):F1} | {P(0.99):F1} | {samples[^1]:F1} |");
        var report = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Revocation latency, {engine}: revoke on instance A until the 4401 close reaches a client on instance B (ms), {Environment.ProcessorCount} cores, {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm}Z.")
            .AppendLine()
            .AppendLine("| Engine | Revocations | p50 | p90 | p99 | max |")
            .AppendLine("|---|---|---|---|---|---|")
            .AppendLine(line)
            .ToString();
        Console.WriteLine(report);
        Directory.CreateDirectory(Path.Combine("bench", "results"));
        await File.WriteAllTextAsync(Path.Combine("bench", "results", $"revocation-{engine}.md"), report);
        return 0;
    }

    private static async Task<double> MeasureOneAsync(IWebSocketRevocation revocation, Uri server, string user)
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + Token(user));
        await socket.ConnectAsync(server, CancellationToken.None);
        var buffer = new byte[256];
        await socket.ReceiveAsync(buffer, CancellationToken.None); // the welcome: the session is registered on B
        var receive = socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).AsTask();

        var started = Stopwatch.GetTimestamp();
        await revocation.RevokeAsync(user);
        var result = await receive.WaitAsync(TimeSpan.FromSeconds(30));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (result.MessageType != WebSocketMessageType.Close || (int?)socket.CloseStatus != 4401)
        {
            throw new InvalidOperationException($"Expected 4401 revoked, got {result.MessageType} {socket.CloseStatus}.");
        }

        return elapsed;
    }

    private static string Token(string user)
        => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "bench",
            Audience = "bench",
            Subject = new ClaimsIdentity([new Claim("sub", user)]),
            IssuedAt = DateTime.UtcNow.AddMinutes(-1),
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.HmacSha256),
        });

    private static async Task<WebApplication> StartAsync(string engine, string connection, string suffix)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var ws = builder.Services.AddWebSocketAuth(o =>
            {
                o.AllowedOrigins.Add("https://bench.example");
                o.RequireSecureTransport = false; // plain ws:// on loopback
                o.RateLimiting.Enabled = false;   // one client opens every socket
            })
            .AddJwtValidation(o =>
            {
                o.SigningKeys.Add(Key);
                o.ValidIssuers.Add("bench");
                o.ValidAudiences.Add("bench");
            })
            .AddBearer();
        if (engine == "redis")
        {
            ws.AddRedisRevocation(connection, o =>
            {
                o.KeyPrefix = $"wsauth-bench:{suffix}:";
                o.Channel = $"wsauth-bench:{suffix}";
            });
        }
        else
        {
            ws.AddPostgresRevocation(connection, o =>
            {
                o.TableName = "wsauth_bench_revocations_" + suffix;
                o.Channel = "wsauth_bench_" + suffix;
                o.CreateTableIfMissing = true;
            });
        }

        var app = builder.Build();
        app.UseWebSockets();
        app.UseWebSocketAuth();
        app.Map("/ws", async (HttpContext context) =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await socket.SendAsync("welcome"u8.ToArray(), WebSocketMessageType.Text, true, context.RequestAborted);
            var buffer = new byte[256];
            while (!(await socket.ReceiveAsync(buffer, context.RequestAborted)).CloseStatus.HasValue)
            {
            }
        });
        await app.StartAsync();
        return app;
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
