using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using WsAuth.LoadTest.Client;

namespace WsAuth.LoadTest.Scenarios;

/// <summary>
/// The origin-only server again with the handshake limiter on (permits raised so that nothing is rejected): its
/// difference from <c>origin</c> is what the default-on limiter costs a handshake.
/// </summary>
internal sealed class OriginWithLimiterScenario : Scenario
{
    public const string ScenarioId = "origin-limiter";

    public override string Id => ScenarioId;

    public override string Title => "WsAuth, Origin check only, rate limiter on";

    public override void ConfigureServices(WebApplicationBuilder builder)
        => builder.Services.AddWebSocketAuth(BenchWsAuth.ConfigureWithLimiter)
            .AddAuthenticator<AlwaysSuccessAuthenticator>("origin-only");

    public override void ConfigurePipeline(WebApplication app) => app.UseWebSocketAuth();
}

/// <summary>
/// Single-use tickets (in-memory store). Tickets are issued by <c>POST /ws/ticket</c> to the cookie-authenticated load
/// client <em>before</em> each measurement (<see cref="TicketPool"/>), so the figures are the handshake that redeems one.
/// </summary>
internal class TicketMemoryScenario : Scenario
{
    public const string ScenarioId = "ticket-memory";

    public override string Id => ScenarioId;

    public override string Title => "WsAuth ticket (in-memory store)";

    public override double? TargetRatioToBare => 0.95;

    public override void ConfigureServices(WebApplicationBuilder builder)
    {
        BenchCookies.AddCookieAuthentication(builder);
        builder.Services.AddAuthorization();
        // Like the handshake limits (off on every bench server), the ticket-issue quotas (60 per user and 300 per address
        // a minute by default) are off: one load client issues thousands a second from one address and one login.
        var wsAuth = builder.Services.AddWebSocketAuth(BenchWsAuth.Configure).AddTickets(static o =>
        {
            o.IssuePermitsPerUser = 0;
            o.IssuePermitsPerClient = 0;
        });
        ConfigureStore(wsAuth);
    }

    public override void ConfigurePipeline(WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseWebSocketAuth();
        BenchCookies.MapLogin(app);
        app.MapWebSocketTickets(TicketPool.TicketPath, "/ws");
    }

    public override async ValueTask<HandshakeClient> PrepareClientAsync(ServerProcess server, CancellationToken cancellationToken)
    {
        var cookie = await BenchCookies.GetCookieAsync(server, cancellationToken);
        return HandshakeClient.WithTickets(new TicketPool(server, cookie));
    }

    protected virtual void ConfigureStore(WebSocketAuthBuilder wsAuth)
    {
    }
}

/// <summary>
/// Single-use tickets in PostgreSQL (WsAuth.Postgres): its own unlogged table, created at startup, in the database
/// <c>WSAUTH_POSTGRES</c> names (bench/run.sh points it at test.sh's cluster). Unavailable when none is reachable.
/// </summary>
internal sealed class TicketPostgresScenario : TicketMemoryScenario
{
    public new const string ScenarioId = "ticket-postgres";
    public const string ConnectionVariable = "WSAUTH_POSTGRES";
    public const string Table = "wsauth_bench_tickets";

    public override string Id => ScenarioId;

    public override string Title => "WsAuth ticket (PostgreSQL store)";

    public override double? TargetRatioToBare => null;

    public override string? CheckAvailable(RunSettings settings) => CheckDatabase();

    public static string? CheckDatabase()
    {
        var connectionString = Environment.GetEnvironmentVariable(ConnectionVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return $"no database: set {ConnectionVariable} to a PostgreSQL connection string (bench/run.sh uses test.sh's cluster when it exists).";
        }

        try
        {
            using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 3 }.ConnectionString);
            connection.Open();
            return null;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or ArgumentException or TimeoutException)
        {
            // Only the type: the message could echo parts of the connection string.
            return $"no database reachable through {ConnectionVariable} ({ex.GetType().Name}).";
        }
    }

    protected override void ConfigureStore(WebSocketAuthBuilder wsAuth)
        => wsAuth.AddPostgresTicketStore(Environment.GetEnvironmentVariable(ConnectionVariable)!, o =>
        {
            o.TableName = Table; // the bench's own table, never one a test suite uses
            o.CreateTableIfMissing = true;
        });
}

/// <summary>The JWT validator every token scenario shares: HS256 with the run's key, issuer and audience checked.</summary>
internal static class BenchJwt
{
    public static WebSocketAuthBuilder AddBenchJwtValidation(this WebSocketAuthBuilder builder)
        => builder.AddJwtValidation(o =>
        {
            o.SigningKeys.Add(new SymmetricSecurityKey(BenchSecrets.JwtKey));
            o.ValidIssuers.Add(BenchSecrets.Issuer);
            o.ValidAudiences.Add(BenchSecrets.Audience);
        });
}

/// <summary>
/// A JWT in <c>Sec-WebSocket-Protocol</c> (marker form: <c>chat.v1, access_token, &lt;jwt&gt;</c>). The token is signed
/// once by the driver and sent on every handshake; the server validates it every time. With a validator registered,
/// the session has expiry and refresh handling on.
/// </summary>
internal sealed class JwtSubprotocolScenario : Scenario
{
    public const string ScenarioId = "jwt-subprotocol";

    public override string Id => ScenarioId;

    public override string Title => "WsAuth JWT in Sec-WebSocket-Protocol";

    public override double? TargetRatioToBare => 0.85;

    public override void ConfigureServices(WebApplicationBuilder builder)
        => builder.Services.AddWebSocketAuth(BenchWsAuth.Configure).AddBenchJwtValidation().AddSubprotocolToken();

    public override void ConfigurePipeline(WebApplication app) => app.UseWebSocketAuth();

    public override ValueTask<HandshakeClient> PrepareClientAsync(ServerProcess server, CancellationToken cancellationToken)
        => ValueTask.FromResult(HandshakeClient.Create(server, "/ws", new KeyValuePair<string, string>("Sec-WebSocket-Protocol", "chat.v1, access_token, " + BenchSecrets.CreateJwt())));
}

/// <summary>
/// A JWT in <c>?access_token=</c>, signed once and reused. Also the echo and memory phases' "real session": the JWT
/// expires (in an hour), so WsAuth wraps the socket with expiry and refresh handling on.
/// </summary>
internal sealed class JwtQueryScenario : Scenario
{
    public const string ScenarioId = "jwt-query";

    public override string Id => ScenarioId;

    public override string Title => "WsAuth JWT in the query string";

    public override double? TargetRatioToBare => 0.85;

    public override void ConfigureServices(WebApplicationBuilder builder)
        => builder.Services.AddWebSocketAuth(BenchWsAuth.Configure).AddBenchJwtValidation().AddQueryToken();

    public override void ConfigurePipeline(WebApplication app) => app.UseWebSocketAuth();

    public override ValueTask<HandshakeClient> PrepareClientAsync(ServerProcess server, CancellationToken cancellationToken)
        => ValueTask.FromResult(Client(server));

    /// <summary><c>GET /ws?access_token=&lt;jwt&gt;</c>: this row's handshake, also sent to its memory baseline.</summary>
    public static HandshakeClient Client(ServerProcess server) => HandshakeClient.Create(server, "/ws?access_token=" + BenchSecrets.CreateJwt());
}

/// <summary>
/// The first-message method: upgrade with no credential, send <c>{"type":"auth","token":"&lt;jwt&gt;"}</c>, wait for
/// <c>wsauth.authenticated</c>. Latency runs to that acknowledgement. The abuse phase uses this server too, so its
/// waiting-socket caps admit the abuse phase's 2,000 sockets plus the load client's (see <see cref="Configure"/>).
/// </summary>
internal sealed class FirstMessageScenario : Scenario
{
    public const string ScenarioId = "first-message";

    /// <summary>The global cap: the abuse phase's 2,000 waiting sockets, the load client's 32 and room to spare.</summary>
    public const int MaxPendingSockets = 2_500;

    /// <summary>Per address: the load client runs 32 handshakes at once from 127.0.0.1 (default 20).</summary>
    public const int MaxPendingSocketsPerClient = 64;

    public override string Id => ScenarioId;

    public override string Title => "WsAuth first message";

    public override void ConfigureServices(WebApplicationBuilder builder)
        => builder.Services.AddWebSocketAuth(BenchWsAuth.Configure).AddBenchJwtValidation().AddFirstMessage(Configure);

    public override void ConfigurePipeline(WebApplication app) => app.UseWebSocketAuth();

    public override ValueTask<HandshakeClient> PrepareClientAsync(ServerProcess server, CancellationToken cancellationToken)
    {
        var frame = RawWebSocket.TextFrame(Encoding.UTF8.GetBytes($$"""{"type":"auth","token":"{{BenchSecrets.CreateJwt()}}"}"""));
        return ValueTask.FromResult(HandshakeClient.Create(server, "/ws") with
        {
            AfterUpgrade = (socket, buffer, response, cancellation) => AuthenticateAsync(socket, buffer, response, frame, cancellation),
        });
    }

    private static void Configure(WebSocketFirstMessageOptions options)
    {
        options.MaxPendingSockets = MaxPendingSockets;
        options.MaxPendingSocketsPerClient = MaxPendingSocketsPerClient;

        // The abuse phase holds its sockets for about 5 s (open, warm-up, measure): with the default 5 s deadline the
        // server would close them (4408) while legitimate clients are measured. Long enough that they stay.
        options.Deadline = TimeSpan.FromSeconds(30);
    }

    private static async ValueTask<bool> AuthenticateAsync(System.Net.Sockets.Socket socket, Memory<byte> buffer, HandshakeResponse response, byte[] frame, CancellationToken cancellationToken)
    {
        await RawWebSocket.SendAllAsync(socket, frame, cancellationToken);
        var already = response.Received - response.HeaderLength;
        buffer.Span[response.HeaderLength..response.Received].CopyTo(buffer.Span);
        var (opcode, offset, length) = await RawWebSocket.ReadFrameAsync(socket, buffer, already, cancellationToken);
        return opcode == 1 && buffer.Span.Slice(offset, length).IndexOf("\"wsauth.authenticated\""u8) >= 0;
    }
}
