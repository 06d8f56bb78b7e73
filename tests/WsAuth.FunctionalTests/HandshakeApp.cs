using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>
/// The app most functional tests run: cookie authentication (a real ASP.NET Core cookie from <c>POST /login?user=</c>),
/// the test header authenticator, and the sample's welcome-then-echo endpoint on <c>/ws</c>.
/// </summary>
internal static class HandshakeApp
{
    public const string AllowedOrigin = "https://app.example.com";

    public static Task<KestrelTestApp> StartAsync(
        Action<WebSocketAuthOptions>? configure = null,
        Action<WebApplication, KestrelTestApp>? map = null,
        string environment = "Development",
        HttpProtocols protocols = HttpProtocols.Http1,
        Action<IServiceCollection>? services = null,
        bool headerFirst = true)
        => KestrelTestApp.StartAsync(
            builder =>
            {
                builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
                builder.Services.AddAuthorization(o => o.AddPolicy("admins", p => p.RequireRole("admin")));
                var ws = builder.Services.AddWebSocketAuth(o =>
                {
                    o.AllowedOrigins.Add(AllowedOrigin);
                    o.AllowedOrigins.Add("https://*.example.org");
                    configure?.Invoke(o);
                });
                if (headerFirst)
                {
                    ws.AddAuthenticator<HeaderAuthenticator>("header").AddCookie();
                }
                else
                {
                    ws.AddCookie().AddAuthenticator<HeaderAuthenticator>("header");
                }

                services?.Invoke(builder.Services);
            },
            (app, test) =>
            {
                app.UseAuthentication();
                app.UseWebSocketAuth();
                app.MapPost("/login", async (HttpContext context, string user) =>
                {
                    var identity = new System.Security.Claims.ClaimsIdentity([new(System.Security.Claims.ClaimTypes.Name, user)], CookieAuthenticationDefaults.AuthenticationScheme);
                    await context.SignInAsync(new System.Security.Claims.ClaimsPrincipal(identity));
                });
                app.MapGet("/plain", () => "plain");
                test.MapWelcomeEcho(app);
                map?.Invoke(app, test);
            },
            environment,
            protocols);

    /// <summary>Logs in over HTTP and returns the cookie header value.</summary>
    public static async Task<string> LoginCookieAsync(KestrelTestApp app, string user)
    {
        using var http = new HttpClient { BaseAddress = app.HttpUri };
        using var response = await http.PostAsync($"/login?user={user}", null);
        response.EnsureSuccessStatusCode();
        var setCookie = response.Headers.GetValues("Set-Cookie").Single();
        return setCookie[..setCookie.IndexOf(';', StringComparison.Ordinal)];
    }

    public static Task<HttpStatusCode> StatusAsync(KestrelTestApp app, string? origin, string? user = null, string? cookie = null, string path = "/ws")
        => WebSocketTestClient.HandshakeStatusAsync(app.WebSocketUri(path), origin, o =>
        {
            if (user is not null)
            {
                o.SetRequestHeader(HeaderAuthenticator.Header, user);
            }

            if (cookie is not null)
            {
                o.SetRequestHeader("Cookie", cookie);
            }
        });
}
