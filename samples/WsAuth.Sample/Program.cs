using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
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
builder.Services.Configure<WebSocketOptions>(o =>
{
    o.KeepAliveInterval = TimeSpan.FromSeconds(30);
    o.KeepAliveTimeout = TimeSpan.FromSeconds(30);
});

// The app's own authentication: a cookie set by POST /auth/login (a demo login with no password).
builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
    .AddCookie(o =>
    {
        o.Cookie.Name = "wsauth-sample";
        o.Cookie.HttpOnly = true;

        // The cookie goes only where it is needed: /ws (the cookie method) and /ws/ticket. A browser sends it with every
        // handshake it reaches, and a handshake credential always decides before a first message is read; so the
        // first-message card connects to /first-message/ws, which the cookie does not reach (SampleRoutes).
        o.Cookie.Path = SampleRoutes.Socket;
        o.Cookie.SameSite = SameSiteMode.Lax;
        o.Events.OnRedirectToLogin = ctx =>
        {
            ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        };
    });
builder.Services.AddAuthorization();
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

// Tickets live in memory (one instance) unless WsAuth:Postgres:ConnectionString is set: then every instance shares them.
if (builder.Configuration["WsAuth:Postgres:ConnectionString"] is { Length: > 0 } postgres)
{
    webSocketAuth.AddPostgresTicketStore(postgres, o => o.CreateTableIfMissing = builder.Configuration.GetValue("WsAuth:Postgres:CreateTableIfMissing", true));
}

var app = builder.Build();

app.UseDefaultFiles();
app.UseStaticFiles();
app.UseSampleClientScripts(); // clients/js/dist at /js/: the page uses the real browser client
app.UseAuthentication();
app.UseAuthorization();
app.UseWebSocketAuth();

app.MapPost("/auth/login", async (LoginRequest request, HttpContext context, SampleTokens tokens) =>
{
    if (request.User is not { } user || !SampleUser.IsValid(user))
    {
        return Results.BadRequest(new { error = "user must be 1 to 64 letters, digits, '.', '_' or '-'" });
    }

    var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user)], CookieAuthenticationDefaults.AuthenticationScheme);
    await context.SignInAsync(new ClaimsPrincipal(identity));
    return Results.Ok(new { token = tokens.Create(user) });
});

app.MapPost("/auth/logout", async (HttpContext context) =>
{
    await context.SignOutAsync();
    return Results.NoContent();
});

// Which WsAuth methods this server has, for the page (SampleMethods.cs).
app.MapGet("/auth/methods", () => Results.Ok(new { methods = SampleMethods.Enabled }));

// {"ticket":"...","expiresIn":30} for the signed-in user, from an allowed origin only; redeemed once on /ws?ticket=...
app.MapWebSocketTickets("/ws/ticket");

app.Map(SampleRoutes.Socket, EchoEndpoint.HandleAsync);

// The same endpoint outside the cookie's path, for clients that authenticate with a first message while the page is
// logged in: no handshake credential reaches it, so the first message decides (every other method works here too).
app.Map(SampleRoutes.FirstMessageSocket, EchoEndpoint.HandleAsync);

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
