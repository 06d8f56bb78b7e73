using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WsAuth.Client;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>
/// SignalR hubs behind WsAuth (docs/signalr.md) with the real .NET client (Microsoft.AspNetCore.SignalR.Client) on real
/// Kestrel: negotiate authorized by the login cookie, the WebSocket by a fresh single-use ticket from
/// <c>AccessTokenProvider</c> (sent by the .NET client as <c>Authorization: Bearer</c>), expiry and revocation closing the
/// hub's socket with 4401, automatic reconnect with a fresh ticket, and no WsAuth control message on hub connections.
/// </summary>
public sealed class SignalRHubTests
{
    private const string HubPath = "/hubs/echo";

    [Fact]
    public async Task TicketThroughNegotiate_Connects_WhoAmISeesUserAndTicket()
    {
        // Arrange
        await using var app = await StartAsync();
        using var client = await LoggedInClientAsync(app);
        await using var hub = Build(app, client);

        // Act
        await hub.StartAsync();
        var me = await hub.InvokeAsync<WhoAmIAnswer>("WhoAmI");
        var echo = await hub.InvokeAsync<string>("Echo", "hello");

        // Assert
        Assert.Equal("alice", me.User);
        Assert.Equal(WebSocketAuthDefaults.TicketMethod, me.Method);
        Assert.Equal("hello", echo);
        Assert.Equal(2, client.TicketsFetched); // one sent with negotiate (unused), one redeemed by the WebSocket
    }

    [Trait("Matrix", "T1")]
    [Fact]
    public async Task ReplayedTicket_IsRefused()
    {
        // Arrange: a provider that hands out the same ticket every time
        await using var app = await StartAsync();
        using var client = await LoggedInClientAsync(app);
        var ticket = await client.NextTicketAsync();
        await using var first = Build(app, client, () => Task.FromResult<string?>(ticket));
        await first.StartAsync();

        // Act
        await using var replay = Build(app, client, () => Task.FromResult<string?>(ticket));
        var error = await Assert.ThrowsAnyAsync<Exception>(() => replay.StartAsync());

        // Assert
        Assert.Contains("401", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(HubConnectionState.Connected, first.State);
    }

    [Trait("Matrix", "O1")]
    [Fact]
    public async Task CrossOrigin_WithTheVictimsCookieAndTicket_IsRefused()
    {
        // Arrange
        await using var app = await StartAsync();
        using var client = await LoggedInClientAsync(app);
        await using var hub = Build(app, client, origin: "https://evil.example");

        // Act
        var error = await Assert.ThrowsAnyAsync<Exception>(() => hub.StartAsync());

        // Assert
        Assert.Contains("403", error.ToString(), StringComparison.Ordinal);
        Assert.Contains(app.Logs.GetSnapshot(), r => r.Message.Contains("origin_not_allowed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task JwtInAccessTokenOrBearer_IsNotATicket_AndWithoutTheQueryMethodIsRefused()
    {
        // Arrange: a long-lived token where SignalR sends its access token; the app registered no token method
        await using var app = await StartAsync();
        using var client = await LoggedInClientAsync(app);
        await using var hub = Build(app, client, () => Task.FromResult<string?>("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl"));

        // Act
        var error = await Assert.ThrowsAnyAsync<Exception>(() => hub.StartAsync());

        // Assert
        Assert.Contains("401", error.ToString(), StringComparison.Ordinal);
        Assert.Contains(app.Logs.GetSnapshot(), r => r.Message.Contains("no_credentials", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HubWithoutOptIn_DoesNotTakeATicketAsAccessToken()
    {
        // Arrange: the same hub mapped without WithWebSocketTicketsAsAccessToken()
        await using var app = await StartAsync(optIn: false);
        using var client = await LoggedInClientAsync(app);
        await using var hub = Build(app, client);

        // Act
        var error = await Assert.ThrowsAnyAsync<Exception>(() => hub.StartAsync());

        // Assert
        Assert.Contains("401", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expiry_ClosesWith4401_AndAutomaticReconnectRecoversWithAFreshTicket()
    {
        // Arrange: a cookie valid 1 minute; the session ends with it
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await StartAsync(time: time);
        using var client = await LoggedInClientAsync(app, minutes: 1);
        await using var hub = Build(app, client, reconnect: true);
        var reconnecting = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Reconnecting += e => { reconnecting.TrySetResult(e); return Task.CompletedTask; };
        hub.Reconnected += _ => { reconnected.TrySetResult(); return Task.CompletedTask; };
        await hub.StartAsync();

        // The user's cookie is renewed meanwhile (as a sliding cookie would be): the next ticket carries the new expiry.
        await client.LoginAsync(minutes: 10);

        // Act
        time.Advance(TimeSpan.FromMinutes(2));
        var closedWith = await reconnecting.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await reconnected.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var me = await hub.InvokeAsync<WhoAmIAnswer>("WhoAmI");

        // Assert
        Assert.Contains("4401", closedWith?.Message ?? string.Empty, StringComparison.Ordinal);
        Assert.Contains(app.Logs.GetSnapshot(), r => r.Message.Contains("4401", StringComparison.Ordinal) && r.Message.Contains("expired", StringComparison.Ordinal));
        Assert.Equal("alice", me.User);
        Assert.Equal(WebSocketAuthDefaults.TicketMethod, me.Method);
    }

    [Fact]
    public async Task ExpiryWarningWindow_SendsNothingOnTheHub_SignalRFramingUndisturbed()
    {
        // Arrange: sessions warn 1 minute ahead; on a plain WebSocket that is a {"type":"wsauth.expiring"} message
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await StartAsync(time: time, auth: o => o.Sessions.ExpiryWarning = TimeSpan.FromMinutes(1));
        using var client = await LoggedInClientAsync(app, minutes: 5);
        await using var hub = Build(app, client);
        var closed = false;
        hub.Closed += _ => { closed = true; return Task.CompletedTask; };
        await hub.StartAsync();

        // Act: into the warning window
        time.Advance(TimeSpan.FromMinutes(4.5));
        var echoes = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            echoes.Add(await hub.InvokeAsync<string>("Echo", $"m{i}"));
        }

        // Assert: no stray message broke SignalR's framing, and none was sent
        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], echoes);
        Assert.False(closed);
        Assert.Equal(HubConnectionState.Connected, hub.State);
        Assert.DoesNotContain(app.Logs.GetSnapshot(), r => r.Id.Name == "ExpiryWarningSent");
    }

    [Fact]
    public async Task Revocation_ClosesTheHubConnectionWith4401Revoked()
    {
        // Arrange
        await using var app = await StartAsync(revocation: true);
        using var client = await LoggedInClientAsync(app);
        await using var hub = Build(app, client);
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += e => { closed.TrySetResult(e); return Task.CompletedTask; };
        await hub.StartAsync();

        // Act
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "alice")], "test"));
        await app.App.Services.GetRequiredService<IWebSocketRevocation>().RevokeAsync(user);
        var error = await closed.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Assert
        Assert.Contains("4401", error?.Message ?? string.Empty, StringComparison.Ordinal);
        Assert.Contains(app.Logs.GetSnapshot(), r => r.Message.Contains("revoked", StringComparison.Ordinal) && r.Message.Contains("4401", StringComparison.Ordinal));
    }

    [Trait("Matrix", "L1")]
    [Fact]
    public async Task NoTicket_InAnyWsAuthLogLine()
    {
        // Arrange
        await using var app = await StartAsync();
        using var client = await LoggedInClientAsync(app);
        await using var hub = Build(app, client);

        // Act
        await hub.StartAsync();
        await hub.InvokeAsync<string>("Echo", "x");
        await hub.StopAsync();

        // Assert
        Assert.NotEmpty(client.Tickets);
        var wsauthLines = app.Logs.GetSnapshot().Where(r => r.Category?.StartsWith("WsAuth", StringComparison.Ordinal) == true).ToList();
        Assert.NotEmpty(wsauthLines);
        foreach (var ticket in client.Tickets)
        {
            Assert.DoesNotContain(wsauthLines, r => r.Message.Contains(ticket, StringComparison.Ordinal)
                || r.StructuredState?.Any(s => s.Value?.Contains(ticket, StringComparison.Ordinal) == true) == true);
        }
    }

    [Fact]
    public async Task BrowserStyleAccessToken_IsRedeemedOnce_AndAspNetCoresRequestLogShowsIt_WhichDocsSignalRMdFixes()
    {
        // Arrange: the browser client's form, /hubs/echo?id=...&access_token=<ticket>, here without negotiate
        await using var app = await StartAsync();
        using var client = await LoggedInClientAsync(app);
        var ticket = await client.NextTicketAsync();
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(app.HttpUri, HubPath + "?access_token=" + ticket), o =>
            {
                o.SkipNegotiation = true;
                o.Transports = HttpTransportType.WebSockets;
            })
            .Build();

        // Act
        await hub.StartAsync();
        var me = await hub.InvokeAsync<WhoAmIAnswer>("WhoAmI");

        // Assert: admitted by the ticket; WsAuth never logs it, but ASP.NET Core's hosting log writes the whole URL at
        // Information ("Request starting ... access_token=..."): docs/signalr.md says to raise that category to Warning.
        Assert.Equal(WebSocketAuthDefaults.TicketMethod, me.Method);
        var logs = app.Logs.GetSnapshot();
        Assert.DoesNotContain(logs.Where(r => r.Category?.StartsWith("WsAuth", StringComparison.Ordinal) == true), r => r.Message.Contains(ticket, StringComparison.Ordinal));
        Assert.Contains(logs, r => r.Category == "Microsoft.AspNetCore.Hosting.Diagnostics" && r.Message.Contains("access_token=" + ticket, StringComparison.Ordinal));
        Assert.Contains(logs, r => r.Id.Name == "TicketUrlsLogged");
    }

    [Fact]
    public async Task AttributeOnTheHubClass_OptsInLikeTheConvention()
    {
        // Arrange: [WebSocketTicketsAsAccessToken] on the hub, mapped without the convention
        await using var app = await StartAsync(optIn: false);
        using var client = await LoggedInClientAsync(app);
        await using var hub = new HubConnectionBuilder().WithUrl(new Uri(app.HttpUri, "/hubs/attributed"), o =>
        {
            o.Transports = HttpTransportType.WebSockets;
            o.Cookies = client.Cookies;
            o.AccessTokenProvider = client.Provider;
        }).Build();

        // Act
        await hub.StartAsync();
        var me = await hub.InvokeAsync<WhoAmIAnswer>("WhoAmI");

        // Assert
        Assert.Equal(WebSocketAuthDefaults.TicketMethod, me.Method);
    }

    [Fact]
    public async Task FallbackTransports_AreNotOffered_AndAreRefused_WithTheRecipesWebSocketsOnly()
    {
        // Arrange
        await using var app = await StartAsync();
        using var client = await LoggedInClientAsync(app);

        // Act: negotiate with the cookie, then a Server-Sent Events and a long-polling request for that connection
        using var negotiate = await client.Http.PostAsync($"{HubPath}/negotiate?negotiateVersion=1", null);
        var body = await negotiate.Content.ReadAsStringAsync();
        using var json = System.Text.Json.JsonDocument.Parse(body);
        var token = json.RootElement.GetProperty("connectionToken").GetString();
        using var sseRequest = new HttpRequestMessage(HttpMethod.Get, $"{HubPath}?id={token}");
        sseRequest.Headers.Accept.ParseAdd("text/event-stream");
        using var sse = await client.Http.SendAsync(sseRequest);
        using var longPolling = await client.Http.GetAsync($"{HubPath}?id={token}");

        // Assert
        var transports = json.RootElement.GetProperty("availableTransports").EnumerateArray().Select(t => t.GetProperty("transport").GetString()).ToList();
        Assert.Equal(["WebSockets"], transports);
        Assert.False(sse.IsSuccessStatusCode);
        Assert.False(longPolling.IsSuccessStatusCode);
    }

    [Fact]
    public async Task Hub_WithTheFirstMessageMethodRegistered_IsNeverUpgradedForAFirstMessage()
    {
        // Arrange: first-message would answer {"type":"wsauth.authenticated"} into SignalR's stream; on a hub it never runs
        await using var app = await StartAsync(firstMessage: true);

        // Act
        var response = await RawHandshake.SendAsync(app.HttpUri, HubPath, [("Origin", TicketTestApp.AllowedOrigin)]);

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal(WebSocketAuthFailureReasons.NoCredentials, response.Body);
    }

    private static Task<KestrelTestApp> StartAsync(
        bool optIn = true,
        FakeTimeProvider? time = null,
        bool revocation = false,
        Action<WebSocketAuthOptions>? auth = null,
        bool firstMessage = false)
        => TicketTestApp.StartAsync(
            webSocketAuthBeforeAuthorization: true,
            auth: o =>
            {
                if (time is not null)
                {
                    o.TimeProvider = time;
                }

                auth?.Invoke(o);
            },
            builder: b =>
            {
                if (revocation)
                {
                    b.AddRevocation();
                }

                if (firstMessage)
                {
                    b.AddFirstMessage();
                }
            },
            services: s =>
            {
                s.AddSignalR();
                if (firstMessage)
                {
                    s.AddSingleton<IWebSocketTokenValidator>(new TestTokenValidator());
                }
            },
            map: (app, _) =>
            {
                app.MapPost("/login-for", async (HttpContext context, int minutes) =>
                {
                    var now = (time ?? TimeProvider.System).GetUtcNow();
                    var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "alice"), new Claim(ClaimTypes.NameIdentifier, "alice")], CookieAuthenticationDefaults.AuthenticationScheme);
                    await context.SignInAsync(new ClaimsPrincipal(identity), new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now.AddMinutes(minutes) });
                });
                app.MapHub<AttributedEchoHub>("/hubs/attributed", o => o.Transports = HttpTransportType.WebSockets);
                var hub = app.MapHub<TestEchoHub>(HubPath, o => o.Transports = HttpTransportType.WebSockets);
                if (optIn)
                {
                    hub.WithWebSocketTicketsAsAccessToken();
                }
            });

    private static async Task<HubClient> LoggedInClientAsync(KestrelTestApp app, int minutes = 60)
    {
        var client = new HubClient(app);
        try
        {
            await client.LoginAsync(minutes);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static HubConnection Build(KestrelTestApp app, HubClient client, Func<Task<string?>>? provider = null, string? origin = null, bool reconnect = false)
    {
        var builder = new HubConnectionBuilder().WithUrl(new Uri(app.HttpUri, HubPath), o =>
        {
            o.Transports = HttpTransportType.WebSockets;
            o.Cookies = client.Cookies; // negotiate is authorized by the login cookie
            o.AccessTokenProvider = provider ?? client.Provider;
            if (origin is not null)
            {
                o.Headers["Origin"] = origin;
            }
        });
        if (reconnect)
        {
            builder.WithAutomaticReconnect([TimeSpan.Zero, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1)]);
        }

        return builder.Build();
    }

    /// <summary>A user agent: a cookie container for the login, and WsAuth.Client's ticket provider, recording every ticket.</summary>
    private sealed class HubClient : IDisposable
    {
        private readonly HttpClient _http;
        private readonly Func<Task<string?>> _tickets;
        private int _fetched;

        public HubClient(KestrelTestApp app)
        {
            _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies }) { BaseAddress = app.HttpUri };
            _tickets = _http.WebSocketTicketAccessTokenProvider(new Uri(app.HttpUri, "/ws/ticket"));
            Provider = NextTicketAsync!;
        }

        public CookieContainer Cookies { get; } = new();

        public HttpClient Http => _http;

        public void Dispose() => _http.Dispose();

        public ConcurrentBag<string> Tickets { get; } = [];

        public int TicketsFetched => Volatile.Read(ref _fetched);

        public Func<Task<string?>> Provider { get; }

        public async Task<string> NextTicketAsync()
        {
            var ticket = await _tickets() ?? throw new InvalidOperationException("no ticket");
            Interlocked.Increment(ref _fetched);
            Tickets.Add(ticket);
            return ticket;
        }

        public async Task LoginAsync(int minutes)
        {
            using var response = await _http.PostAsync($"/login-for?minutes={minutes}", null);
            response.EnsureSuccessStatusCode();
        }
    }

    private sealed record WhoAmIAnswer(string? User, string? Method);

    [Authorize]
    [WebSocketTicketsAsAccessToken]
    private sealed class AttributedEchoHub : Hub
    {
        public WhoAmIAnswer WhoAmI() => new(Context.User?.Identity?.Name, Context.GetHttpContext()?.GetWebSocketAuth()?.Method);
    }

    [Authorize]
    private sealed class TestEchoHub : Hub
    {
        public WhoAmIAnswer WhoAmI() => new(Context.User?.Identity?.Name, Context.GetHttpContext()?.GetWebSocketAuth()?.Method);

        public string Echo(string text) => text;
    }
}

/// <summary>A hub that takes tickets as its access token without the ticket method fails the start, naming the fix.</summary>
public sealed class SignalRStartupValidationTests
{
    [Fact]
    public async Task TicketsAsAccessToken_WithoutAddTickets_FailsAtStartup_NamingTheFix()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(ws => ws.AddCookie(), hub => hub.WithWebSocketTicketsAsAccessToken()));

        Assert.Contains("/hubs/echo", error.Message, StringComparison.Ordinal);
        Assert.Contains(".AddTickets()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TicketsAsAccessToken_OnAHubThatDoesNotAllowTickets_FailsAtStartup_NamingTheFix()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(
            ws => ws.AddTickets().AddCookie(),
            hub => hub.WithWebSocketTicketsAsAccessToken().WithWebSocketAuthMethods(WebSocketAuthDefaults.CookieMethod)));

        Assert.Contains("WithWebSocketAuthMethods(\"cookie\")", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"ticket\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TicketsAsAccessToken_WithTickets_Starts()
    {
        await using var app = await StartAsync(ws => ws.AddTickets(), hub => hub.WithWebSocketTicketsAsAccessToken());
        Assert.NotNull(app.HttpUri);
    }

    private static Task<KestrelTestApp> StartAsync(Action<WebSocketAuthBuilder> methods, Action<HubEndpointConventionBuilder> hub)
        => KestrelTestApp.StartAsync(
            b =>
            {
                b.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
                b.Services.AddAuthorization();
                b.Services.AddSignalR();
                methods(b.Services.AddWebSocketAuth(o => o.AllowedOrigins.Add("https://app.example.com")));
            },
            (app, _) =>
            {
                app.UseAuthentication();
                app.UseWebSocketAuth();
                app.UseAuthorization();
                hub(app.MapHub<EmptyHub>("/hubs/echo"));
            });

    private sealed class EmptyHub : Hub;
}
