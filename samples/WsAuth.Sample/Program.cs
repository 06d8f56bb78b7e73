using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using WsAuth.Sample;

var builder = WebApplication.CreateBuilder(args);

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
    });
builder.Services.AddAuthorization();
builder.Services.AddSingleton<SampleTokens>();

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
    })
    .AddTickets()       // ?ticket= from POST /ws/ticket; lifetime from WsAuth:Tickets:Lifetime (default 30 s)
    .AddCookie();

// Tickets live in memory (one instance) unless WsAuth:Postgres:ConnectionString is set: then every instance shares them.
if (builder.Configuration["WsAuth:Postgres:ConnectionString"] is { Length: > 0 } postgres)
{
    webSocketAuth.AddPostgresTicketStore(postgres, o => o.CreateTableIfMissing = builder.Configuration.GetValue("WsAuth:Postgres:CreateTableIfMissing", true));
}

var app = builder.Build();

app.UseDefaultFiles();
app.UseStaticFiles();
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

// {"ticket":"...","expiresIn":30} for the signed-in user, from an allowed origin only; redeemed once on /ws?ticket=...
app.MapWebSocketTickets("/ws/ticket");

app.Map("/ws", EchoEndpoint.HandleAsync);

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
