using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using WsAuth;
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

// Validates the demo JWTs in first messages and in-band refreshes.
builder.Services.AddSingleton<IWebSocketTokenValidator, SampleTokenValidator>();

// WsAuth: origins come from WsAuth:AllowedOrigins; when none are configured, the sample allows its own listening URLs.
var configuredOrigins = builder.Configuration.GetSection("WsAuth:AllowedOrigins").GetChildren().Any();
builder.Services.AddWebSocketAuth(o =>
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
    .AddCookie()
    .AddFirstMessage(); // no cookie on the handshake: the first message {"type":"auth","token":"<jwt>"} authenticates

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

// Placeholder until the ticket method lands: the route and response shape are part of the sample's contract.
app.MapPost("/ws/ticket", () => Results.StatusCode(StatusCodes.Status501NotImplemented)).RequireAuthorization();

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
