using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace WsAuth.Testing;

/// <summary>
/// A Kestrel app with ticket auth as a user sets it up: cookie sign-in on <c>POST /login?user=</c> (role <c>admin</c> for
/// user <c>root</c>), <c>AddTickets()</c>, <c>MapWebSocketTickets("/ws/ticket")</c> and the welcome-then-echo socket on
/// <c>/ws</c>.
/// </summary>
public static class TicketTestApp
{
    public const string AllowedOrigin = "https://app.example.com";
    public const string OtherAllowedOrigin = "https://other.example.org";

    public static Task<KestrelTestApp> StartAsync(
        Action<WebSocketTicketOptions>? tickets = null,
        Action<WebSocketAuthOptions>? auth = null,
        Action<WebSocketAuthBuilder>? builder = null,
        Action<IServiceCollection>? services = null,
        Action<WebApplication, KestrelTestApp>? map = null,
        Func<WebApplication, IEndpointConventionBuilder>? mapTickets = null,
        Action<WebApplication>? beforeAuth = null,
        HttpProtocols protocols = HttpProtocols.Http1,
        bool webSocketAuthBeforeAuthorization = false)
        => KestrelTestApp.StartAsync(
            b =>
            {
                b.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
                {
                    o.Events.OnRedirectToLogin = ctx =>
                    {
                        ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
                        return Task.CompletedTask;
                    };
                    o.Events.OnRedirectToAccessDenied = ctx =>
                    {
                        ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
                        return Task.CompletedTask;
                    };
                });
                b.Services.AddAuthorization(o => o.AddPolicy("admins", p => p.RequireRole("admin")));
                var ws = b.Services.AddWebSocketAuth(o =>
                {
                    o.AllowedOrigins.Add(AllowedOrigin);
                    o.AllowedOrigins.Add("https://*.example.org");
                    auth?.Invoke(o);
                }).AddTickets(tickets);
                builder?.Invoke(ws);
                services?.Invoke(b.Services);
            },
            (app, test) =>
            {
                beforeAuth?.Invoke(app);
                app.UseAuthentication();
                if (webSocketAuthBeforeAuthorization)
                {
                    // The SignalR recipe's order: [Authorize] on a hub sees WsAuth's user on WebSocket handshakes.
                    app.UseWebSocketAuth();
                    app.UseAuthorization();
                }
                else
                {
                    app.UseAuthorization();
                    app.UseWebSocketAuth();
                }
                app.MapPost("/login", async (HttpContext context, string user) =>
                {
                    var claims = new List<Claim> { new(ClaimTypes.Name, user), new("department", "research") };
                    if (user == "root")
                    {
                        claims.Add(new Claim(ClaimTypes.Role, "admin"));
                    }

                    await context.SignInAsync(new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme)));
                });
                if (mapTickets is null)
                {
                    app.MapWebSocketTickets("/ws/ticket");
                }
                else
                {
                    mapTickets(app);
                }

                test.MapWelcomeEcho(app);
                map?.Invoke(app, test);
            },
            protocols: protocols);

    /// <summary>Signs in over HTTP and returns the cookie header value.</summary>
    public static async Task<string> LoginAsync(KestrelTestApp app, string user = "alice")
    {
        using var http = new HttpClient { BaseAddress = app.HttpUri };
        using var response = await http.PostAsync($"/login?user={user}", null);
        response.EnsureSuccessStatusCode();
        var setCookie = response.Headers.GetValues("Set-Cookie").Single();
        return setCookie[..setCookie.IndexOf(';', StringComparison.Ordinal)];
    }

    /// <summary>POSTs to the ticket endpoint with the given cookie and Origin and returns the whole answer.</summary>
    public static async Task<TicketResponse> RequestAsync(KestrelTestApp app, string? cookie, string? origin = AllowedOrigin, string path = "/ws/ticket", params (string Name, string Value)[] headers)
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = app.HttpUri };
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var allHeaders = response.Headers.Concat(response.Content.Headers)
            .SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v)))
            .ToList();
        string? ticket = null;
        int? expiresIn = null;
        if (response.StatusCode == HttpStatusCode.OK)
        {
            using var json = JsonDocument.Parse(body);
            ticket = json.RootElement.GetProperty("ticket").GetString();
            expiresIn = json.RootElement.GetProperty("expiresIn").GetInt32();
        }

        return new TicketResponse(response.StatusCode, body, allHeaders, ticket, expiresIn);
    }

    /// <summary>Signs in and gets a ticket, asserting success.</summary>
    public static async Task<string> IssueAsync(KestrelTestApp app, string user = "alice", string? origin = AllowedOrigin)
    {
        var response = await RequestAsync(app, await LoginAsync(app, user), origin);
        Xunit.Assert.True(response.Status == HttpStatusCode.OK, $"ticket request got {(int)response.Status} {response.Body}");
        return response.Ticket!;
    }

    /// <summary>A raw handshake to <paramref name="path"/> with <c>?ticket=</c> and an Origin.</summary>
    /// <summary>
    /// Redeems one ticket from every target at once (all released together): the single-use race. Each attempt comes
    /// from its own loopback address (127.0.1.1, 127.0.1.2, ...), as the many clients racing one leaked ticket would; from a single
    /// address the rejected attempts would reach the handshake lockout (30 rejected credentials) part-way through the
    /// race, and how many answered 429 instead of 401 would depend on timing.
    /// </summary>
    public static async Task<RawResponse[]> RedeemConcurrentlyAsync(IEnumerable<KestrelTestApp> targets, string ticket)
    {
        using var start = new ManualResetEventSlim();
        var attempts = targets.Select((app, i) => Task.Run(async () =>
        {
            start.Wait();
            var from = new IPAddress([127, 0, (byte)(1 + (i / 250)), (byte)(1 + (i % 250))]);
            return await RawHandshake.SendAsync(app.HttpUri, $"/ws?ticket={Uri.EscapeDataString(ticket)}", [("Origin", AllowedOrigin)], localAddress: from);
        })).ToArray();
        start.Set();
        return await Task.WhenAll(attempts);
    }

    /// <summary>
    /// Issues two tickets on an app whose ticket lifetime is 10 s, then redeems one 1 s before the end and the other at
    /// the end, moving <paramref name="clock"/>. Expected: 101, then 401 ticket_expired.
    /// </summary>
    public static async Task<(RawResponse BeforeExpiry, RawResponse AtExpiry)> RedeemAroundExpiryAsync(KestrelTestApp app, FakeTimeProvider clock)
    {
        var late = await IssueAsync(app);
        var onTime = await IssueAsync(app);
        clock.Advance(TimeSpan.FromSeconds(9));
        var beforeExpiry = await RedeemAsync(app, onTime);
        clock.Advance(TimeSpan.FromSeconds(1));
        var atExpiry = await RedeemAsync(app, late);
        return (beforeExpiry, atExpiry);
    }

    public static Task<RawResponse> RedeemAsync(KestrelTestApp app, string ticket, string? origin = AllowedOrigin, string path = "/ws", params (string Name, string Value)[] headers)
    {
        var all = new List<(string, string)>(headers);
        if (origin is not null)
        {
            all.Add(("Origin", origin));
        }

        return RawHandshake.SendAsync(app.HttpUri, $"{path}?ticket={Uri.EscapeDataString(ticket)}", all);
    }
}

public sealed record TicketResponse(HttpStatusCode Status, string Body, IReadOnlyList<KeyValuePair<string, string>> Headers, string? Ticket, int? ExpiresIn)
{
    public string[] HeaderValues(string name)
        => Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToArray();
}
