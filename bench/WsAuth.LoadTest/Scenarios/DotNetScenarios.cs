using System.Net.Http.Headers;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace WsAuth.LoadTest.Scenarios;

/// <summary>The limit: Kestrel and ASP.NET Core's WebSocket middleware, no WsAuth.</summary>
internal sealed class BareKestrelScenario : Scenario
{
    public const string ScenarioId = "bare";

    public override string Id => ScenarioId;

    public override string Title => "Bare Kestrel (no WsAuth)";

    public override bool IsWsAuth => false;

    public override void ConfigurePipeline(WebApplication app) => app.UseWebSockets();
}

/// <summary>
/// A second bare Kestrel, measured like every other server: its ratio to the first is the run's noise floor. A ratio
/// closer to 1 than this one's spread says nothing.
/// </summary>
internal sealed class BareControlScenario : Scenario
{
    public const string ScenarioId = "bare-control";

    public override string Id => ScenarioId;

    public override string Title => "Bare Kestrel again (control: the noise floor)";

    public override bool IsWsAuth => false;

    public override void ConfigurePipeline(WebApplication app) => app.UseWebSockets();
}

/// <summary>
/// Bare Kestrel handshaken with the JWT row's URL: the memory phase's baseline for that row. Kestrel keeps a request's
/// target and query string for the request's life (a WebSocket's whole life): with a JWT in the URL, about 0.9 KiB per
/// connection that no authentication layer can give back.
/// </summary>
internal sealed class BareWithJwtUrlScenario : Scenario
{
    public const string ScenarioId = "bare-jwt-url";

    public override string Id => ScenarioId;

    public override string Title => "Bare Kestrel, handshakes with the JWT row's URL (a JWT in the query string)";

    public override bool IsWsAuth => false;

    public override string? BaselineFor => JwtQueryScenario.ScenarioId;

    public override void ConfigurePipeline(WebApplication app) => app.UseWebSockets();

    public override ValueTask<HandshakeClient> PrepareClientAsync(ServerProcess server, CancellationToken cancellationToken)
        => ValueTask.FromResult(JwtQueryScenario.Client(server));
}

/// <summary>
/// WsAuth with the Origin check and an authenticator that always succeeds with a shared principal: the cost of the
/// guard itself (detection, transport, Origin, the authenticator loop, the feature, the accept wrapper, metrics).
/// </summary>
internal sealed class OriginOnlyScenario : Scenario
{
    public const string ScenarioId = "origin";

    public override string Id => ScenarioId;

    public override string Title => "WsAuth, Origin check only";

    public override double? TargetRatioToBare => 0.95;

    public override void ConfigureServices(WebApplicationBuilder builder)
        => builder.Services.AddWebSocketAuth(BenchWsAuth.Configure)
            .AddAuthenticator<AlwaysSuccessAuthenticator>("origin-only");

    public override void ConfigurePipeline(WebApplication app) => app.UseWebSocketAuth();
}

/// <summary>Origin check only, with revocation on (in-memory backplane): every session is in the revocation registry.</summary>
internal sealed class OriginWithRevocationScenario : Scenario
{
    public const string ScenarioId = "origin-revocation";

    public override string Id => ScenarioId;

    public override string Title => "WsAuth, Origin check only, revocation on";

    public override void ConfigureServices(WebApplicationBuilder builder)
        => builder.Services.AddWebSocketAuth(BenchWsAuth.Configure)
            .AddAuthenticator<AlwaysSuccessSubjectAuthenticator>("origin-only")
            .AddRevocation();

    public override void ConfigurePipeline(WebApplication app) => app.UseWebSocketAuth();
}

/// <summary>
/// WsAuth's cookie method with ASP.NET Core cookie authentication, as the sample app sets it up. The cookie is
/// obtained once from <c>POST /login</c> and sent on every handshake.
/// </summary>
internal sealed class CookieScenario : Scenario
{
    public const string ScenarioId = "cookie";

    public override string Id => ScenarioId;

    public override string Title => "WsAuth cookie";

    public override void ConfigureServices(WebApplicationBuilder builder)
    {
        BenchCookies.AddCookieAuthentication(builder);
        builder.Services.AddWebSocketAuth(BenchWsAuth.Configure).AddCookie();
    }

    public override void ConfigurePipeline(WebApplication app)
    {
        app.UseAuthentication();
        app.UseWebSocketAuth();
        BenchCookies.MapLogin(app);
    }

    public override ValueTask<HandshakeClient> PrepareClientAsync(ServerProcess server, CancellationToken cancellationToken)
        => BenchCookies.LogInAsync(server, cancellationToken);
}

/// <summary>
/// What an app without WsAuth typically does: ASP.NET Core cookie authentication and <c>RequireAuthorization()</c> on
/// the WebSocket endpoint. No Origin check, so it is open to cross-site WebSocket hijacking; it is here as the
/// "authenticated without WsAuth" baseline for the cookie method's cost and memory.
/// </summary>
internal sealed class AspNetCookieScenario : Scenario
{
    public const string ScenarioId = "aspnet-cookie";

    public override string Id => ScenarioId;

    public override string Title => "ASP.NET Core cookie auth, no WsAuth (no Origin check)";

    public override bool IsWsAuth => false;

    public override void ConfigureServices(WebApplicationBuilder builder)
    {
        BenchCookies.AddCookieAuthentication(builder);
        builder.Services.AddAuthorization();
    }

    public override void ConfigurePipeline(WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseWebSockets();
        BenchCookies.MapLogin(app);
    }

    public override void ConfigureWebSocketEndpoint(IEndpointConventionBuilder endpoint) => endpoint.RequireAuthorization();

    public override ValueTask<HandshakeClient> PrepareClientAsync(ServerProcess server, CancellationToken cancellationToken)
        => BenchCookies.LogInAsync(server, cancellationToken);
}

/// <summary>The cookie setup both cookie scenarios share.</summary>
internal static class BenchCookies
{
    private const string CookieName = "bench-auth";

    public static void AddCookieAuthentication(WebApplicationBuilder builder)
    {
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o => o.Cookie.Name = CookieName);
    }

    public static void MapLogin(WebApplication app)
        => app.MapPost("/login", static async context =>
        {
            var identity = new ClaimsIdentity(
                [new Claim(ClaimTypes.Name, "bench-user"), new Claim(ClaimTypes.Role, "user")],
                CookieAuthenticationDefaults.AuthenticationScheme);
            await context.SignInAsync(new ClaimsPrincipal(identity));
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        });

    /// <summary>Logs in once and returns a client that sends the authentication cookie on every handshake.</summary>
    public static async ValueTask<HandshakeClient> LogInAsync(ServerProcess server, CancellationToken cancellationToken)
        => HandshakeClient.Create(server, "/ws", new KeyValuePair<string, string>("Cookie", await GetCookieAsync(server, cancellationToken)));

    /// <summary>Logs in once and returns the <c>Cookie</c> header value (<c>name=value</c>).</summary>
    public static async ValueTask<string> GetCookieAsync(ServerProcess server, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = server.BaseUri };
        using var response = await http.PostAsync(new Uri("/login", UriKind.Relative), null, cancellationToken);
        response.EnsureSuccessStatusCode();
        return GetCookie(response.Headers, CookieName)
            ?? throw new InvalidOperationException("POST /login did not set the authentication cookie.");
    }

    private static string? GetCookie(HttpResponseHeaders headers, string name)
    {
        if (!headers.TryGetValues("Set-Cookie", out var values))
        {
            return null;
        }

        foreach (var value in values)
        {
            var pair = value.Split(';', 2)[0];
            if (pair.StartsWith(name + "=", StringComparison.Ordinal))
            {
                return pair;
            }
        }

        return null;
    }
}

/// <summary>The WsAuth options every WsAuth scenario shares.</summary>
internal static class BenchWsAuth
{
    public static void Configure(WebSocketAuthOptions options)
    {
        options.AllowedOrigins.Add(HandshakeClient.Origin);

        // Plain ws:// on loopback: TLS would measure the TLS stack, not WsAuth. Real deployments keep the default.
        options.RequireSecureTransport = false;

        // One load client on one address makes thousands of handshakes a second: the default limits (300 per address
        // and 60 per user a minute) would answer 429 to nearly all of them. Every row but `origin-limiter` turns the
        // limiter off, so that it measures the method; `origin-limiter` shows what the limiter itself costs.
        options.RateLimiting.Enabled = false;
    }

    /// <summary>
    /// The handshake limiter on, as it is by default, with permits no load client reaches: every handshake takes a
    /// permit from its address's and its user's sliding windows (and nothing is rejected), so only the bookkeeping is
    /// measured.
    /// </summary>
    public static void ConfigureWithLimiter(WebSocketAuthOptions options)
    {
        Configure(options);
        options.RateLimiting.Enabled = true;
        options.RateLimiting.PermitsPerClient = 100_000_000;
        options.RateLimiting.PermitsPerUser = 100_000_000;
    }
}
