using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using WsAuth;
using WsAuth.Sample;

var builder = WebApplication.CreateBuilder(args);

// Kestrel limits WsAuth recommends (docs/kestrel-limits.md): a cap on upgraded sockets, bounded headers and URLs (a huge
// ?access_token= or ?ticket= never reaches WsAuth), a short header timeout against slow clients, and keep-alive pings
// that drop half-open sockets.
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Limits.MaxConcurrentUpgradedConnections = 10_000;
    kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
    kestrel.Limits.MaxRequestLineSize = 8 * 1024;
    kestrel.Limits.MaxRequestHeaderCount = 100;
    kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
});
// The hub on /hubs/echo (SampleSignalR.cs, docs/signalr.md). Added before the WebSocket options below: AddSignalR turns
// the WebSocket middleware's keep-alive pings off (SignalR pings on its own), and the sample keeps them for /ws.
builder.Services.AddSignalR();
builder.Services.Configure<WebSocketOptions>(o =>
{
    o.KeepAliveInterval = TimeSpan.FromSeconds(30);
    o.KeepAliveTimeout = TimeSpan.FromSeconds(30);
});

// Several instances behind one address: give each the same Sample:DataProtectionKeysPath (a folder they share), so a
// login cookie issued by one is read by every other. Without it, keys stay per process (ASP.NET Core's default).
if (builder.Configuration["Sample:DataProtectionKeysPath"] is { Length: > 0 } keysPath)
{
    builder.Services.AddDataProtection()
        .PersistKeysToFileSystem(new DirectoryInfo(keysPath))
        .SetApplicationName("WsAuth.Sample");
}

// Behind a reverse proxy on this machine (samples/cluster: nginx on 127.0.0.1): trust its X-Forwarded-For and
// X-Forwarded-Proto, so rate limits and ticket bindings see the client's address. Only loopback proxies are trusted
// (ForwardedHeadersOptions' default KnownProxies); never turn this on for a server reachable without the proxy.
var trustForwardedHeaders = builder.Configuration.GetValue("Sample:TrustForwardedHeaders", false);
if (trustForwardedHeaders)
{
    builder.Services.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);
}

// The app's own authentication: a cookie set by POST /auth/login (a demo login with no password).
builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
    .AddCookie(o =>
    {
        o.Cookie.Name = "wsauth-sample";
        o.Cookie.HttpOnly = true;

        o.Cookie.SameSite = SameSiteMode.Lax;
        o.Events.OnRedirectToLogin = ctx =>
        {
            ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        };

        // Revoked cookies (POST /auth/logout-everywhere): HTTP endpoints refuse them, and WsAuth answers handshakes that
        // carry one with 401 "revoked". (AddRevocation already keeps sliding expiration from renewing a revoked cookie.)
        o.Events.OnValidatePrincipal = ctx =>
        {
            if (ctx.Principal is { } user
                && !SampleRevocation.IsWebSocketHandshake(ctx.HttpContext) // UseAuthentication runs before the WebSocket middleware
                && ctx.HttpContext.RequestServices.GetRequiredService<IWebSocketRevocation>().IsRevoked(user, ctx.Properties.IssuedUtc))
            {
                ctx.RejectPrincipal();
            }

            return Task.CompletedTask;
        };
    });
builder.Services.AddAuthorization();

// Malformed JSON at /auth/login is the client's mistake: answer 400, never an exception page, in Development too.
builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);
builder.Services.AddSingleton<SampleTokens>();

// The demo JWTs from POST /auth/login are validated with the sample's own signing key (from DI, hence Configure<SampleTokens>).
builder.Services.AddOptions<WebSocketJwtOptions>()
    .Configure<SampleTokens>((o, tokens) => o.SigningKeys.Add(tokens.SigningKey));

// WsAuth: origins come from WsAuth:AllowedOrigins; when none are configured, the sample allows its own listening URLs.
var configuredOrigins = builder.Configuration.GetSection("WsAuth:AllowedOrigins").GetChildren().Any();
var webSocketAuth = builder.Services.AddWebSocketAuth(o =>
    {
        if (!configuredOrigins)
        {
            foreach (var origin in SampleOrigins.FromListeningUrls(builder.Configuration["urls"]))
            {
                o.AllowedOrigins.Add(origin);
            }
        }

        // Sessions end when their credential does (JWT exp, cookie expiry): 4401 "expired", unless the client sends
        // {"type":"refresh","token":"..."} first. Warn clients 30 seconds ahead (WsAuth:Sessions:ExpiryWarning overrides it).
        o.Sessions.ExpiryWarning ??= TimeSpan.FromSeconds(30);
    })
    .AddJwtValidation(o =>
    {
        o.ValidIssuers.Add(SampleTokens.Issuer);
        o.ValidAudiences.Add(SampleTokens.Audience);
    })

    // Explicit credentials first, the ambient cookie last: a token the client chose to send says who it wants to be
    // (a bad one fails the handshake rather than falling back to the cookie's user), and the subprotocol token must be
    // read before the cookie so its entries are always hidden from the endpoint (WsAuth enforces that order at startup).
    .AddTickets()               // ?ticket= from POST /ws/ticket; lifetime from WsAuth:Tickets:Lifetime (default 30 s)
    .AddBearer()                // Authorization: Bearer <jwt>         (non-browser clients)
    .AddSubprotocolToken()      // new WebSocket(url, ["access_token", jwt]) or base64url.bearer.authorization.k8s.io.<jwt>
    .AddQueryToken()            // /ws?access_token=<jwt>              (lands in URL logs: prefer the two above)
    .AddCookie()
    .AddFirstMessage();         // nothing on the handshake: the first message {"type":"auth","token":"<jwt>"} authenticates

// Tickets and revocations live in memory (one instance) unless WsAuth:Redis:Configuration or
// WsAuth:Postgres:ConnectionString is set: then every instance given the same value shares them (a ticket issued by one
// is redeemed once on any; POST /auth/logout-everywhere closes the caller's sockets on all of them).
var redis = builder.Configuration["WsAuth:Redis:Configuration"] is { Length: > 0 };
var postgres = builder.Configuration["WsAuth:Postgres:ConnectionString"];
if (redis && !string.IsNullOrEmpty(postgres))
{
    throw new InvalidOperationException("Set one ticket store: WsAuth:Redis:Configuration or WsAuth:Postgres:ConnectionString, not both.");
}

if (redis)
{
    webSocketAuth.AddRedisTicketStore(); // the WsAuth:Redis section: Configuration, KeyPrefix, OperationTimeout
    webSocketAuth.AddRedisRevocation();
}
else if (!string.IsNullOrEmpty(postgres))
{
    var createTables = builder.Configuration.GetValue("WsAuth:Postgres:CreateTableIfMissing", true);
    webSocketAuth.AddPostgresTicketStore(postgres, o => o.CreateTableIfMissing = createTables);
    webSocketAuth.AddPostgresRevocation(postgres, o => o.CreateTableIfMissing = createTables);
}
else
{
    webSocketAuth.AddRevocation();
}

// GET /healthz: 200 Healthy, or 503 Unhealthy while the shared ticket store cannot store tickets or handshakes are
// refused because the revocation backplane is unreachable (Degraded while it is lost within WsAuth:Revocation:MaxStaleness).
builder.Services.AddHealthChecks().AddWebSocketTicketStore().AddWebSocketRevocation();
// Sample:OpenTelemetry=console|otlp exports WsAuth's spans and metrics (SampleTelemetry.cs); off by default.
builder.AddSampleOpenTelemetry();

var app = builder.Build();

if (trustForwardedHeaders)
{
    app.UseForwardedHeaders();
}

app.UseDefaultFiles();
app.UseStaticFiles();
app.UseSampleClientScripts(); // clients/js/dist at /js/: the page uses the real browser client
app.UseSignalRClientScript(); // @microsoft/signalr from clients/js/node_modules at /lib/signalr/
app.UseAuthentication();
app.UseWebSocketAuth();  // before UseAuthorization: the hub's [Authorize] sees the user WsAuth admitted on WebSocket handshakes
app.UseAuthorization();

app.MapPost("/auth/login", async (LoginRequest request, HttpContext context, SampleTokens tokens) =>
{
    if (request.User is not { } user || !SampleUser.IsValid(user))
    {
        return Results.BadRequest(new { error = "user must be 1 to 64 letters, digits, '.', '_' or '-'" });
    }

    // The name identifier is the subject revocation and refresh know the user by (the token's "sub" is the same).
    var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user), new Claim(ClaimTypes.NameIdentifier, user)], CookieAuthenticationDefaults.AuthenticationScheme);
    await context.SignInAsync(new ClaimsPrincipal(identity));
    return Results.Ok(new { token = tokens.Create(user) });
});

app.MapPost("/auth/logout", async (HttpContext context) =>
{
    await context.SignOutAsync();
    return Results.NoContent();
});

// Revokes the caller everywhere: their sockets close with 4401 "revoked", their earlier tokens and cookies get 401.
app.MapLogoutEverywhere();

// Which WsAuth methods this server has, for the page (SampleMethods.cs).
app.MapGet("/auth/methods", () => Results.Ok(new { methods = SampleMethods.Enabled }));

// {"ticket":"...","expiresIn":30} for the signed-in user, from an allowed origin only; redeemed once on /ws?ticket=...
app.MapWebSocketTickets("/ws/ticket");

app.Map(SampleRoutes.Socket, EchoEndpoint.HandleAsync);

// The same endpoint where only the first message authenticates: the browser still sends the login cookie with the
// handshake, but the cookie method is not asked here, so the first-message card works whether or not the page is logged in.
app.Map(SampleRoutes.FirstMessageSocket, EchoEndpoint.HandleAsync)
    .WithWebSocketAuthMethods(WebSocketAuthDefaults.FirstMessageMethod);

// SignalR over WsAuth: negotiate with the login cookie, the WebSocket with a fresh ticket from accessTokenFactory.
app.MapEchoHub();

app.MapHealthChecks("/healthz");

app.Run();

internal sealed record LoginRequest(string? User);

internal static partial class SampleUser
{
    public static bool IsValid(string user) => UserPattern().IsMatch(user);

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex UserPattern();
}

/// <summary>The sample's entry point, visible to its functional tests.</summary>
public partial class Program;
