using System.Security.Claims;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using WsAuth.Internal;

namespace WsAuth.Benchmarks;

/// <summary>
/// One ticket's whole life per store: issued by the real issuer (<c>POST /ws/ticket</c>'s handler: principal
/// serialized, stored, JSON written) and redeemed by the real ticket authenticator (consumed, envelope and bindings
/// checked, principal read back). One operation is one issue plus one redemption; the benchmark itself adds reading
/// the ticket out of the JSON and setting the handshake's query string (about 0.1 µs and 150 B).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet owns the lifetime: GlobalCleanup disposes.")]
public abstract class TicketBenchmarksBase
{
    private readonly DefaultHttpContext _issue = new();
    private readonly MemoryStream _body = new();
    private readonly DefaultHttpContext _handshake = BenchHttpContexts.WebSocketUpgrade();
    private ServiceProvider _services = null!;
    private WebSocketTicketIssuer _issuer = null!;
    private TicketWebSocketAuthenticator _authenticator = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        var builder = services.AddWebSocketAuth(o =>
            {
                o.AllowedOrigins.Add(BenchHttpContexts.AllowedOrigin);
                o.RequireSecureTransport = false;
            })
            .AddTickets();
        ConfigureStore(builder);
        _services = services.BuildServiceProvider();
        foreach (var hosted in _services.GetServices<IHostedService>())
        {
            hosted.StartAsync(CancellationToken.None).GetAwaiter().GetResult(); // the PostgreSQL store creates its table
        }

        _issuer = _services.GetRequiredService<WebSocketTicketIssuer>();
        _authenticator = _services.GetRequiredService<TicketWebSocketAuthenticator>();
        _issue.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "bench-user"), new Claim(ClaimTypes.Name, "bench-user")], "bench"));
        _issue.Request.Method = HttpMethods.Post;
        _issue.Request.Headers.Origin = BenchHttpContexts.AllowedOrigin;
        _issue.Response.Body = _body;
        if (!IssueAndRedeemAsync().GetAwaiter().GetResult().Succeeded)
        {
            throw new InvalidOperationException("A ticket was not redeemed: the benchmark would measure a rejection.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        _body.Dispose();
    }

    protected abstract void ConfigureStore(WebSocketAuthBuilder builder);

    protected async Task<WebSocketAuthenticateResult> IssueAndRedeemAsync()
    {
        _body.SetLength(0);
        await _issuer.IssueAsync(_issue, webSocketPath: null);
        var ticket = ReadTicket(_body.GetBuffer().AsSpan(0, (int)_body.Length));
        _handshake.Request.QueryString = new QueryString("?ticket=" + ticket);
        var context = new WebSocketAuthenticateContext(_handshake, WebSocketOriginStatus.Allowed, BenchHttpContexts.AllowedOrigin);
        return await _authenticator.AuthenticateAsync(context, CancellationToken.None);
    }

    private static string ReadTicket(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("ticket"u8) && reader.Read())
            {
                return reader.GetString()!;
            }
        }

        throw new InvalidOperationException("The issuer wrote no ticket: " + System.Text.Encoding.UTF8.GetString(json));
    }
}

/// <summary>Tickets in the default in-memory store.</summary>
[MemoryDiagnoser]
public class TicketMemoryBenchmarks : TicketBenchmarksBase
{
    [Benchmark(Description = "Ticket issue + redeem, in-memory store")]
    public Task<WebSocketAuthenticateResult> IssueAndRedeem() => IssueAndRedeemAsync();

    protected override void ConfigureStore(WebSocketAuthBuilder builder)
    {
    }
}

/// <summary>
/// Tickets in PostgreSQL (WsAuth.Postgres: one INSERT, one DELETE ... RETURNING, an unlogged table of its own), in the
/// database <c>WSAUTH_POSTGRES</c> names. Program.cs leaves this class out when no database is reachable.
/// </summary>
[MemoryDiagnoser]
public class TicketPostgresBenchmarks : TicketBenchmarksBase
{
    public const string ConnectionVariable = "WSAUTH_POSTGRES";

    [Benchmark(Description = "Ticket issue + redeem, PostgreSQL store")]
    public Task<WebSocketAuthenticateResult> IssueAndRedeem() => IssueAndRedeemAsync();

    /// <summary>Null when the database is reachable, else why not.</summary>
    public static string? Unavailable()
    {
        var connectionString = Environment.GetEnvironmentVariable(ConnectionVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return $"{ConnectionVariable} is not set";
        }

        try
        {
            using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 3 }.ConnectionString);
            connection.Open();
            return null;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or ArgumentException or TimeoutException)
        {
            return $"no database reachable through {ConnectionVariable} ({ex.GetType().Name})";
        }
    }

    protected override void ConfigureStore(WebSocketAuthBuilder builder)
        => builder.AddPostgresTicketStore(Environment.GetEnvironmentVariable(ConnectionVariable)!, o =>
        {
            o.TableName = "wsauth_bench_tickets";
            o.CreateTableIfMissing = true;
        });
}

/// <summary>
/// Tickets in Redis (WsAuth.Redis: one SET NX PX, one GETDEL, a key prefix of its own), in the redis-server
/// <c>WSAUTH_REDIS</c> names. Program.cs leaves this class out when no Redis answers.
/// </summary>
[MemoryDiagnoser]
public class TicketRedisBenchmarks : TicketBenchmarksBase
{
    public const string ConfigurationVariable = "WSAUTH_REDIS";

    [Benchmark(Description = "Ticket issue + redeem, Redis store")]
    public Task<WebSocketAuthenticateResult> IssueAndRedeem() => IssueAndRedeemAsync();

    /// <summary>Null when Redis answers a PING, else why not.</summary>
    public static string? Unavailable()
    {
        var configuration = Environment.GetEnvironmentVariable(ConfigurationVariable);
        if (string.IsNullOrWhiteSpace(configuration))
        {
            return $"{ConfigurationVariable} is not set";
        }

        try
        {
            var endPoint = configuration.Split(',')[0];
            var colon = endPoint.LastIndexOf(':');
            using var client = new System.Net.Sockets.TcpClient { ReceiveTimeout = 3000 };
            client.Connect(endPoint[..colon], int.Parse(endPoint[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            using var stream = client.GetStream();
            stream.Write("PING\r\n"u8);
            var reply = new byte[64];
            var read = stream.Read(reply);
            return read > 0 && reply[0] == (byte)'+' ? null : $"Redis at {ConfigurationVariable} refused PING";
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or FormatException or ArgumentException)
        {
            return $"no Redis answering at {ConfigurationVariable} ({ex.GetType().Name})";
        }
    }

    protected override void ConfigureStore(WebSocketAuthBuilder builder)
        => builder.AddRedisTicketStore(Environment.GetEnvironmentVariable(ConfigurationVariable)!, o => o.KeyPrefix = "wsauth-bench:micro:");
}
