using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>Tickets end to end over Kestrel with the in-memory store (matrix T1-T6, L1).</summary>
public class TicketTests
{
    [Fact]
    [Trait("Matrix", "T1")]
    public async Task LoginTicketConnect_Works_AndReplayIsRejected()
    {
        // Arrange
        await using var app = await TicketTestApp.StartAsync();
        var cookie = await TicketTestApp.LoginAsync(app, "alice");

        // Act: the browser flow, fetch a ticket, then open the socket with it.
        var issued = await TicketTestApp.RequestAsync(app, cookie);
        using var socket = await WebSocketTestClient.ConnectAsync(app.WebSocketUri("/ws?ticket=" + issued.Ticket), TicketTestApp.AllowedOrigin);
        var welcome = JsonDocument.Parse(await WebSocketTestClient.ReceiveTextAsync(socket)).RootElement;
        var replay = await TicketTestApp.RedeemAsync(app, issued.Ticket!);

        // Assert
        Assert.Equal(HttpStatusCode.OK, issued.Status);
        Assert.Equal(30, issued.ExpiresIn);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", issued.Ticket);
        Assert.Equal("no-store", Assert.Single(issued.HeaderValues("Cache-Control")));
        Assert.StartsWith("application/json", Assert.Single(issued.HeaderValues("Content-Type")), StringComparison.Ordinal);
        Assert.Empty(issued.HeaderValues("Access-Control-Allow-Origin"));
        Assert.Equal("ticket", welcome.GetProperty("method").GetString());
        Assert.Equal("alice", welcome.GetProperty("user").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, replay.Status);
        Assert.Equal(WebSocketAuthFailureReasons.TicketInvalid, replay.Body);
        Assert.Equal(1, app.EndpointInvocations);
    }

    [Fact]
    public async Task Ticket_CarriesTheUsersClaims_AndTheCredentialsExpiry()
    {
        // Arrange: the cookie expires in 2 hours on a controlled clock.
        var clock = new FakeTimeProvider();
        var expected = clock.GetUtcNow() + TimeSpan.FromHours(2);
        await using var app = await TicketTestApp.StartAsync(
            services: s =>
            {
                s.AddSingleton<TimeProvider>(clock);
                s.PostConfigure<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>(
                    Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationDefaults.AuthenticationScheme,
                    o => o.ExpireTimeSpan = TimeSpan.FromHours(2));
            },
            map: (a, _) => a.Map("/ws/info", async context =>
            {
                using var socket = await context.WebSockets.AcceptWebSocketAsync();
                var auth = context.GetWebSocketAuth()!;
                var info = JsonSerializer.Serialize(new
                {
                    expiresAt = auth.ExpiresAt,
                    department = context.User.FindFirst("department")?.Value,
                    role = context.User.IsInRole("admin"),
                });
                await WebSocketTestClient.SendTextAsync(socket, info);
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }));
        var ticket = await TicketTestApp.IssueAsync(app, "root");

        // Act
        using var socket = await WebSocketTestClient.ConnectAsync(app.WebSocketUri("/ws/info?ticket=" + ticket), TicketTestApp.AllowedOrigin);
        var info = JsonDocument.Parse(await WebSocketTestClient.ReceiveTextAsync(socket)).RootElement;

        // Assert: the session ends with the cookie, not with the ticket's 30 seconds.
        Assert.Equal(expected, info.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal("research", info.GetProperty("department").GetString());
        Assert.True(info.GetProperty("role").GetBoolean());
    }

    [Fact]
    [Trait("Matrix", "T2")]
    public async Task FiftyParallelHandshakes_WithOneTicket_GiveExactlyOne101()
    {
        // Rate limits off: this test is about single use, and 49 rejected redemptions would otherwise trip the lockout
        // (that the lockout engages is ForgedTickets_WithDefaultLimits_TripTheLockout).
        await using var app = await TicketTestApp.StartAsync(auth: o => o.RateLimiting.Enabled = false);
        var ticket = await TicketTestApp.IssueAsync(app);

        var responses = await TicketTestApp.RedeemConcurrentlyAsync(Enumerable.Repeat(app, 50), ticket);

        Assert.Single(responses, r => r.Status == HttpStatusCode.SwitchingProtocols);
        Assert.Equal(49, responses.Count(r => r.Status == HttpStatusCode.Unauthorized && r.Body == WebSocketAuthFailureReasons.TicketInvalid));
    }

    [Fact]
    [Trait("Matrix", "T1")]
    public async Task Ticket_ExpiresAfterItsLifetime()
    {
        // Arrange
        var clock = new FakeTimeProvider();
        await using var app = await TicketTestApp.StartAsync(tickets: o => o.Lifetime = TimeSpan.FromSeconds(10), services: s => s.AddSingleton<TimeProvider>(clock));

        // Act
        var (beforeExpiry, atExpiry) = await TicketTestApp.RedeemAroundExpiryAsync(app, clock);

        // Assert
        Assert.Equal(HttpStatusCode.SwitchingProtocols, beforeExpiry.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, atExpiry.Status);
        Assert.Equal(WebSocketAuthFailureReasons.TicketExpired, atExpiry.Body);
    }

    [Fact]
    public async Task ExpiresIn_FollowsTheConfiguredLifetime_FromConfiguration()
    {
        await using var app = await KestrelTestApp.StartAsync(
            b =>
            {
                b.Configuration["WsAuth:Tickets:Lifetime"] = "00:00:12";
                b.Services.AddAuthentication().AddCookie();
                b.Services.AddAuthorization();
                b.Services.AddWebSocketAuth(o => o.AllowedOrigins.Add(TicketTestApp.AllowedOrigin)).AddTickets();
            },
            (a, t) =>
            {
                a.UseWebSocketAuth();
                a.MapPost("/login", (HttpContext c, string user) => Microsoft.AspNetCore.Authentication.AuthenticationHttpContextExtensions.SignInAsync(
                    c, new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity([new(System.Security.Claims.ClaimTypes.Name, user)], "Cookies"))));
                a.MapWebSocketTickets("/ws/ticket");
            });
        var response = await TicketTestApp.RequestAsync(app, await TicketTestApp.LoginAsync(app));
        Assert.Equal(12, response.ExpiresIn);
    }

    [Fact]
    [Trait("Matrix", "T3")]
    public async Task OriginBinding_TicketFromOneOriginFailsFromAnother_AndIsBurned()
    {
        await using var app = await TicketTestApp.StartAsync();
        var ticket = await TicketTestApp.IssueAsync(app, origin: TicketTestApp.AllowedOrigin);

        var otherOrigin = await TicketTestApp.RedeemAsync(app, ticket, origin: TicketTestApp.OtherAllowedOrigin);
        var retry = await TicketTestApp.RedeemAsync(app, ticket, origin: TicketTestApp.AllowedOrigin);

        Assert.Equal(HttpStatusCode.Unauthorized, otherOrigin.Status);
        Assert.Equal(WebSocketAuthFailureReasons.TicketOriginMismatch, otherOrigin.Body);
        Assert.Equal(WebSocketAuthFailureReasons.TicketInvalid, retry.Body);
        Assert.Equal(0, app.EndpointInvocations);
    }

    [Fact]
    public async Task OriginBinding_TicketFromANonBrowserClient_DoesNotOpenABrowserSocket()
    {
        await using var app = await TicketTestApp.StartAsync();
        var ticket = await TicketTestApp.IssueAsync(app, origin: null);

        var fromBrowser = await TicketTestApp.RedeemAsync(app, ticket, origin: TicketTestApp.AllowedOrigin);

        Assert.Equal(WebSocketAuthFailureReasons.TicketOriginMismatch, fromBrowser.Body);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, (await TicketTestApp.RedeemAsync(app, await TicketTestApp.IssueAsync(app, origin: null), origin: null)).Status);
    }

    [Fact]
    public async Task OriginBinding_CanBeTurnedOff()
    {
        await using var app = await TicketTestApp.StartAsync(tickets: o => o.BindToOrigin = false);
        var ticket = await TicketTestApp.IssueAsync(app, origin: TicketTestApp.AllowedOrigin);
        var response = await TicketTestApp.RedeemAsync(app, ticket, origin: TicketTestApp.OtherAllowedOrigin);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, response.Status);
    }

    [Fact]
    [Trait("Matrix", "T3")]
    public async Task ClientIpBinding_TicketFromOneClientFailsFromAnother()
    {
        // The client address comes from X-Forwarded-For through a trusted (loopback) proxy, as in production.
        await using var app = await TicketTestApp.StartAsync(
            tickets: o => o.BindToClientIp = true,
            services: s => s.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = ForwardedHeaders.XForwardedFor),
            beforeAuth: a => a.UseForwardedHeaders());
        var cookie = await TicketTestApp.LoginAsync(app);
        var first = (await TicketTestApp.RequestAsync(app, cookie, headers: ("X-Forwarded-For", "203.0.113.5"))).Ticket!;
        var second = (await TicketTestApp.RequestAsync(app, cookie, headers: ("X-Forwarded-For", "203.0.113.5"))).Ticket!;

        var otherClient = await TicketTestApp.RedeemAsync(app, first, headers: ("X-Forwarded-For", "203.0.113.6"));
        var sameClient = await TicketTestApp.RedeemAsync(app, second, headers: ("X-Forwarded-For", "203.0.113.5"));

        Assert.Equal(HttpStatusCode.Unauthorized, otherClient.Status);
        Assert.Equal(WebSocketAuthFailureReasons.TicketClientMismatch, otherClient.Body);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, sameClient.Status);
    }

    [Fact]
    [Trait("Matrix", "T3")]
    public async Task PathBinding_TicketForOneSocketFailsOnAnother()
    {
        await using var app = await TicketTestApp.StartAsync(
            mapTickets: a => a.MapWebSocketTickets("/ws/ticket", "/ws"),
            map: (a, t) => t.MapWelcomeEcho(a, "/admin/ws"));
        var elsewhere = await TicketTestApp.RedeemAsync(app, await TicketTestApp.IssueAsync(app), path: "/admin/ws");
        var samePathOtherSpelling = await TicketTestApp.RedeemAsync(app, await TicketTestApp.IssueAsync(app), path: "/WS/");

        Assert.Equal(HttpStatusCode.Unauthorized, elsewhere.Status);
        Assert.Equal(WebSocketAuthFailureReasons.TicketPathMismatch, elsewhere.Body);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, samePathOtherSpelling.Status);
    }

    [Fact]
    public async Task FullStore_Gets503WithAWarning_AndRedeemingFreesRoom()
    {
        // Arrange
        await using var app = await TicketTestApp.StartAsync(tickets: o => o.MemoryStoreCapacity = 2);
        var cookie = await TicketTestApp.LoginAsync(app);
        var first = await TicketTestApp.RequestAsync(app, cookie);
        await TicketTestApp.RequestAsync(app, cookie);

        // Act
        var full = await TicketTestApp.RequestAsync(app, cookie);
        await TicketTestApp.RedeemAsync(app, first.Ticket!);
        var afterRedeem = await TicketTestApp.RequestAsync(app, cookie);

        // Assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, full.Status);
        Assert.Equal(WebSocketAuthFailureReasons.TicketStoreFull, full.Body);
        Assert.Equal("1", Assert.Single(full.HeaderValues("Retry-After")));
        Assert.Contains(app.Logs.GetSnapshot(), e => e.Id.Name == "TicketStoreFull" && e.Level == LogLevel.Warning);
        Assert.Equal(HttpStatusCode.OK, afterRedeem.Status);
    }

    [Fact]
    public async Task TicketRequest_WithoutSignIn_Gets401AndNoTicket()
    {
        await using var app = await TicketTestApp.StartAsync();
        var response = await TicketTestApp.RequestAsync(app, cookie: null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.DoesNotContain("ticket", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TicketEndpoint_RequiresAuthorization_SoTheAppsOwnChallengeRuns()
    {
        await using var app = await TicketTestApp.StartAsync();
        var endpoint = app.App.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .Single(e => e.DisplayName == "WsAuth ticket endpoint /ws/ticket");
        Assert.NotEmpty(endpoint.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>());
    }

    [Fact]
    public async Task TicketEndpoint_NeverIssuesToAnonymous_EvenWhenAllowAnonymousIsAdded()
    {
        await using var app = await TicketTestApp.StartAsync(mapTickets: a => a.MapWebSocketTickets("/ws/ticket").AllowAnonymous());
        var response = await TicketTestApp.RequestAsync(app, cookie: null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal(WebSocketAuthFailureReasons.NoCredentials, response.Body);
    }

    [Fact]
    public async Task LifetimeAboveTheCap_InConfiguration_StopsTheAppFromStarting()
    {
        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => KestrelTestApp.StartAsync(
            b =>
            {
                b.Configuration["WsAuth:Tickets:Lifetime"] = "00:10:00";
                b.Services.AddWebSocketAuth(o => o.AllowedOrigins.Add(TicketTestApp.AllowedOrigin)).AddTickets();
            },
            (a, _) => a.UseWebSocketAuth()));
        Assert.Contains("at most 00:05:00", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapWebSocketTickets_WithoutAddTickets_FailsNamingTheFix()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => KestrelTestApp.StartAsync(
            b => b.Services.AddWebSocketAuth(o => o.AllowedOrigins.Add(TicketTestApp.AllowedOrigin)).AddCookie(),
            (a, _) => a.MapWebSocketTickets("/ws/ticket")));
        Assert.Contains("AddTickets()", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://evil.test", WebSocketAuthFailureReasons.OriginNotAllowed)]
    [InlineData("https://app.example.com.evil.net", WebSocketAuthFailureReasons.OriginNotAllowed)]
    [InlineData("null", WebSocketAuthFailureReasons.OriginNull)]
    [Trait("Matrix", "T6")]
    [Trait("Matrix", "O1")]
    public async Task CrossSiteTicketRequest_WithTheUsersCookie_Gets403AndNoTicket(string origin, string reason)
    {
        // Matrix T6: a page elsewhere that makes the browser POST with the user's cookie gets nothing it could read, and
        // no ticket is even stored.
        await using var app = await TicketTestApp.StartAsync();
        var cookie = await TicketTestApp.LoginAsync(app);

        var response = await TicketTestApp.RequestAsync(app, cookie, origin);

        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        Assert.Equal(reason, response.Body);
        Assert.Empty(response.HeaderValues("Access-Control-Allow-Origin"));
        Assert.Empty(response.HeaderValues("Access-Control-Allow-Credentials"));
        Assert.Contains(app.Logs.GetSnapshot(), e => e.Id.Name == "TicketRequestRefused");
        Assert.DoesNotContain(app.Logs.GetSnapshot(), e => e.Id.Name == "TicketIssued");
    }

    [Fact]
    [Trait("Matrix", "T6")]
    public async Task CorsPreflight_FromAnotherSite_IsNotGranted()
    {
        await using var app = await TicketTestApp.StartAsync();
        using var http = new HttpClient { BaseAddress = app.HttpUri };
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/ws/ticket");
        preflight.Headers.Add("Origin", "https://evil.test");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");

        using var response = await http.SendAsync(preflight);

        Assert.False(response.IsSuccessStatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task TicketEndpoint_OnlyAnswersPost()
    {
        await using var app = await TicketTestApp.StartAsync();
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = app.HttpUri };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ws/ticket");
        request.Headers.Add("Cookie", await TicketTestApp.LoginAsync(app));
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task Meter_CountsTicketRequestsByOutcomeAndReason_WithoutUserData()
    {
        await using var app = await TicketTestApp.StartAsync();
        using var metrics = new WsAuthMetricCollectors(app.App.Services);
        var cookie = await TicketTestApp.LoginAsync(app, "alice");

        var ticket = (await TicketTestApp.RequestAsync(app, cookie)).Ticket!;
        await TicketTestApp.RequestAsync(app, cookie, "https://evil.test");
        await TicketTestApp.RedeemAsync(app, ticket);

        var requests = metrics.Tags("wsauth.ticket_requests");
        Assert.Contains(requests, t => (string?)t["wsauth.outcome"] == "issued");
        Assert.Contains(requests, t => (string?)t["wsauth.outcome"] == "refused" && (string?)t["wsauth.reason"] == WebSocketAuthFailureReasons.OriginNotAllowed);
        Assert.Contains(metrics.Tags("wsauth.handshakes"), t => (string?)t["wsauth.method"] == "ticket" && (string?)t["wsauth.outcome"] == "authenticated");
        Assert.DoesNotContain(metrics.AllTagValues(), v => v is string s && (s.Contains("alice", StringComparison.Ordinal) || s.Contains(ticket, StringComparison.Ordinal)));
    }

    [Fact]
    [Trait("Matrix", "T6")]
    public async Task Antiforgery_WhenTheEndpointRequiresIt_RefusesRequestsWithoutAValidToken()
    {
        // Arrange: cookie-authenticated apps can add antiforgery on top of the Origin check (docs/tickets.md, matrix T6).
        await using var app = await TicketTestApp.StartAsync(
            services: s => s.AddAntiforgery(),
            mapTickets: a =>
            {
                a.UseAntiforgery();
                a.MapGet("/antiforgery", (HttpContext c, Microsoft.AspNetCore.Antiforgery.IAntiforgery antiforgery) => antiforgery.GetAndStoreTokens(c).RequestToken);
                return a.MapWebSocketTickets("/ws/ticket").WithMetadata(new Microsoft.AspNetCore.Antiforgery.RequireAntiforgeryTokenAttribute());
            });
        var auth = await TicketTestApp.LoginAsync(app);
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = app.HttpUri };
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Get, "/antiforgery");
        tokenRequest.Headers.Add("Cookie", auth);
        using var tokenResponse = await http.SendAsync(tokenRequest);
        var requestToken = await tokenResponse.Content.ReadAsStringAsync();
        var setCookie = tokenResponse.Headers.GetValues("Set-Cookie").Single();
        var cookies = auth + "; " + setCookie[..setCookie.IndexOf(';', StringComparison.Ordinal)];

        // Act
        var withoutToken = await TicketTestApp.RequestAsync(app, cookies);
        var withToken = await TicketTestApp.RequestAsync(app, cookies, headers: ("RequestVerificationToken", requestToken));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.Status);
        Assert.Equal(WebSocketAuthFailureReasons.AntiforgeryInvalid, withoutToken.Body);
        Assert.Equal(HttpStatusCode.OK, withToken.Status);
    }

    [Fact]
    public async Task PrincipalSerializer_IsPluggable()
    {
        string? seen = null;
        await using var app = await TicketTestApp.StartAsync(
            tickets: o => o.PrincipalSerializer = new NameOnlySerializer(),
            map: (a, _) => a.Map("/ws/claims", async context =>
            {
                seen = string.Join(",", context.User.Claims.Select(c => c.Type + "=" + c.Value));
                using var socket = await context.WebSockets.AcceptWebSocketAsync();
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }));

        var response = await TicketTestApp.RedeemAsync(app, await TicketTestApp.IssueAsync(app, "alice"), path: "/ws/claims");

        Assert.Equal(HttpStatusCode.SwitchingProtocols, response.Status);
        Assert.Equal(System.Security.Claims.ClaimTypes.Name + "=alice|kept-by-custom-serializer", seen);
    }

    [Fact]
    public async Task TicketEndpoint_ComposesWithRequireAuthorization()
    {
        await using var app = await TicketTestApp.StartAsync(mapTickets: a => a.MapWebSocketTickets("/ws/ticket").RequireAuthorization("admins"));
        var user = await TicketTestApp.RequestAsync(app, await TicketTestApp.LoginAsync(app, "alice"));
        var admin = await TicketTestApp.RequestAsync(app, await TicketTestApp.LoginAsync(app, "root"));
        Assert.Equal(HttpStatusCode.Forbidden, user.Status);
        Assert.Equal(HttpStatusCode.OK, admin.Status);
    }

    [Fact]
    public async Task TicketEndpoint_ComposesWithRateLimiting()
    {
        await using var app = await TicketTestApp.StartAsync(
            services: s => s.AddRateLimiter(o =>
            {
                o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
                o.AddFixedWindowLimiter("tickets", l =>
                {
                    l.PermitLimit = 2;
                    l.Window = TimeSpan.FromHours(1);
                    l.QueueLimit = 0;
                });
            }),
            beforeAuth: a => a.UseRateLimiter(),
            mapTickets: a => a.MapWebSocketTickets("/ws/ticket").RequireRateLimiting("tickets"));
        var cookie = await TicketTestApp.LoginAsync(app);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await TicketTestApp.RequestAsync(app, cookie)).Status);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAA AAAAAAAAAAAAAAAAAAAAA")]
    [Trait("Matrix", "T4")]
    public async Task MalformedTicket_Gets401TicketMalformed(string ticket)
    {
        await using var app = await TicketTestApp.StartAsync();
        var response = await TicketTestApp.RedeemAsync(app, ticket);
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal(WebSocketAuthFailureReasons.TicketMalformed, response.Body);
        Assert.Equal(0, app.EndpointInvocations);
    }

    [Fact]
    public async Task TwoTicketsInTheQuery_Get400_AndNeitherIsRedeemed()
    {
        await using var app = await TicketTestApp.StartAsync();
        var first = await TicketTestApp.IssueAsync(app);
        var second = await TicketTestApp.IssueAsync(app);

        var response = await RawHandshake.SendAsync(app.HttpUri, $"/ws?ticket={first}&ticket={second}", [("Origin", TicketTestApp.AllowedOrigin)]);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(WebSocketAuthFailureReasons.TicketMultiple, response.Body);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, (await TicketTestApp.RedeemAsync(app, first)).Status);
    }

    [Fact]
    [Trait("Matrix", "T4")]
    [Trait("Matrix", "D1")]
    public async Task ForgedTickets_WithDefaultLimits_TripTheLockout()
    {
        // Matrix T4: guessing tickets from one address is cut off by the default lockout (30 rejected credentials a
        // minute), with Retry-After, and no forged ticket ever gets a 101.
        await using var app = await TicketTestApp.StartAsync();
        var responses = new List<RawResponse>();
        foreach (var forged in Enumerable.Range(0, 60).Select(_ => Base64UrlTicket()))
        {
            responses.Add(await TicketTestApp.RedeemAsync(app, forged));
        }

        Assert.DoesNotContain(responses, r => r.Status == HttpStatusCode.SwitchingProtocols);
        Assert.Equal(30, responses.TakeWhile(r => r.Status == HttpStatusCode.Unauthorized).Count());
        Assert.All(responses.Skip(30), r =>
        {
            Assert.Equal((HttpStatusCode.TooManyRequests, WebSocketAuthFailureReasons.LockedOut), (r.Status, r.Body));
            Assert.NotEmpty(r.HeaderValues("Retry-After"));
        });
    }

    [Fact]
    [Trait("Matrix", "T4")]
    [Trait("Matrix", "L1")]
    public async Task ForgedTickets_AllGet401_AndNoTicketReachesAWsAuthLog()
    {
        // Matrix T4 and L1 over the network: well-formed random tickets never match. (The 10,000 case runs in-process in
        // TicketWebSocketAuthenticatorTests; this keeps the socket count sane on a shared machine.) Rate limits off: the
        // lockout they would trip is ForgedTickets_WithDefaultLimits_TripTheLockout.
        await using var app = await TicketTestApp.StartAsync(auth: o => o.RateLimiting.Enabled = false);
        var real = await TicketTestApp.IssueAsync(app);
        var forged = Enumerable.Range(0, 200).Select(_ => Base64UrlTicket()).ToArray();

        var statuses = new List<(HttpStatusCode Status, string Body)>();
        foreach (var chunk in forged.Chunk(20))
        {
            var responses = await Task.WhenAll(chunk.Select(t => TicketTestApp.RedeemAsync(app, t)));
            statuses.AddRange(responses.Select(r => (r.Status, r.Body)));
        }

        await TicketTestApp.RedeemAsync(app, real);

        Assert.All(statuses, s => Assert.Equal((HttpStatusCode.Unauthorized, WebSocketAuthFailureReasons.TicketInvalid), s));
        var wsAuthLines = app.Logs.ForCategoryPrefix("WsAuth").ToList();
        Assert.Contains(wsAuthLines, e => e.Id.Name == "TicketRedeemed");
        Assert.Contains(wsAuthLines, e => e.Id.Name == "TicketUrlsLogged");
        foreach (var ticket in forged.Append(real))
        {
            Assert.DoesNotContain(wsAuthLines, e => e.AllText.Contains(ticket, StringComparison.Ordinal));
        }
    }

    [Fact]
    [Trait("Matrix", "S1")]
    public async Task TicketInSubprotocol_IsAccepted_HiddenFromTheEndpoint_AndNeverAnswered()
    {
        // Arrange
        string[]? seenByEndpoint = null;
        await using var app = await TicketTestApp.StartAsync(
            tickets: o => o.SubprotocolPrefix = "wsauth.ticket.",
            map: (a, _) => a.Map("/ws/protocols", async context =>
            {
                seenByEndpoint = [.. context.WebSockets.WebSocketRequestedProtocols];
                using var socket = await context.WebSockets.AcceptWebSocketAsync();
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }));
        var ticket = await TicketTestApp.IssueAsync(app);

        // Act
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws/protocols", [("Origin", TicketTestApp.AllowedOrigin), ("Sec-WebSocket-Protocol", "chat.v1, wsauth.ticket." + ticket)]);

        // Assert
        Assert.Equal(HttpStatusCode.SwitchingProtocols, response.Status);
        Assert.Equal("chat.v1", Assert.Single(response.HeaderValues("Sec-WebSocket-Protocol")));
        Assert.Equal(["chat.v1"], seenByEndpoint!);
    }

    [Fact]
    public async Task FallbackProtocol_OfOneHandshake_NeverLeaksIntoAnother()
    {
        // Regression: AcceptWebSocketAsync() hands every request one shared WebSocketAcceptContext; the fallback protocol
        // of a subprotocol ticket must not be written into it (later sockets would answer it, or fail with 500).
        await using var app = await TicketTestApp.StartAsync(tickets: o => o.SubprotocolPrefix = "wsauth.ticket.");
        var withProtocol = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", TicketTestApp.AllowedOrigin), ("Sec-WebSocket-Protocol", "chat.v1, wsauth.ticket." + await TicketTestApp.IssueAsync(app))]);

        var plain = await TicketTestApp.RedeemAsync(app, await TicketTestApp.IssueAsync(app));

        Assert.Equal("chat.v1", Assert.Single(withProtocol.HeaderValues("Sec-WebSocket-Protocol")));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, plain.Status);
        Assert.Empty(plain.HeaderValues("Sec-WebSocket-Protocol"));
    }

    [Fact]
    public async Task TicketAloneInSubprotocol_Gets400_BeforeTheTicketIsRedeemed()
    {
        await using var app = await TicketTestApp.StartAsync(tickets: o => o.SubprotocolPrefix = "wsauth.ticket.");
        var ticket = await TicketTestApp.IssueAsync(app);

        var alone = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", TicketTestApp.AllowedOrigin), ("Sec-WebSocket-Protocol", "wsauth.ticket." + ticket)]);
        var both = await RawHandshake.SendAsync(app.HttpUri, "/ws?ticket=" + ticket, [("Origin", TicketTestApp.AllowedOrigin), ("Sec-WebSocket-Protocol", "chat.v1, wsauth.ticket." + ticket)]);

        Assert.Equal(HttpStatusCode.BadRequest, alone.Status);
        Assert.Equal(WebSocketAuthFailureReasons.TicketProtocolRequired, alone.Body);
        Assert.Equal(WebSocketAuthFailureReasons.TicketMultiple, both.Body);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, (await TicketTestApp.RedeemAsync(app, ticket)).Status);
    }

    [Fact]
    public async Task TicketWithADisallowedOrigin_Gets403_AndIsNotConsumed()
    {
        // The Origin check runs before any authenticator: a ticket presented from the wrong site is not even looked up.
        await using var app = await TicketTestApp.StartAsync();
        var ticket = await TicketTestApp.IssueAsync(app);

        var evil = await TicketTestApp.RedeemAsync(app, ticket, origin: "https://evil.test");

        Assert.Equal(HttpStatusCode.Forbidden, evil.Status);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, (await TicketTestApp.RedeemAsync(app, ticket)).Status);
    }

    [Fact]
    [Trait("Matrix", "P1")]
    public async Task FailingStore_Gets503StoreUnavailable_OnIssueAndRedeem_AndLogsOnlyTheExceptionType()
    {
        await using var app = await TicketTestApp.StartAsync(services: s => s.AddSingleton<IWebSocketTicketStore, ThrowingStore>());
        var issue = await TicketTestApp.RequestAsync(app, await TicketTestApp.LoginAsync(app));
        var redeem = await TicketTestApp.RedeemAsync(app, Base64UrlTicket());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, issue.Status);
        Assert.Equal(WebSocketAuthFailureReasons.StoreUnavailable, issue.Body);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, redeem.Status);
        Assert.Equal(WebSocketAuthFailureReasons.StoreUnavailable, redeem.Body);
        Assert.Contains(app.Logs.GetSnapshot(), e => e.Id.Name == "TicketStoreFailed" && e.Level == LogLevel.Error);
        Assert.Contains(app.Logs.GetSnapshot(), e => e.Id.Name == "TicketStoreFailedOnRedeem" && e.Level == LogLevel.Error);
        Assert.DoesNotContain(app.Logs.GetSnapshot(), e => e.AllText.Contains(ThrowingStore.Secret, StringComparison.Ordinal));
        Assert.Equal(0, app.EndpointInvocations);
    }

    [Fact]
    public async Task CustomStore_RegisteredAfterAddTickets_IsUsed_AndSeesOnlyHashes()
    {
        var store = new RecordingStore();
        await using var app = await TicketTestApp.StartAsync(services: s => s.AddSingleton<IWebSocketTicketStore>(store));
        var ticket = await TicketTestApp.IssueAsync(app);

        var (id, data) = Assert.Single(store.Stored);
        var raw = Convert.FromBase64String(ticket.Replace('-', '+').Replace('_', '/') + "=");
        Assert.Equal(Base64UrlEncode(SHA256.HashData(raw)), id);
        Assert.DoesNotContain(ticket, System.Text.Encoding.Latin1.GetString(data), StringComparison.Ordinal);
        Assert.Equal(-1, data.AsSpan().IndexOf(raw));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, (await TicketTestApp.RedeemAsync(app, ticket)).Status);
    }

    [Fact]
    [Trait("Matrix", "P4")]
    public async Task InMemoryStore_IsSingleInstance_ATicketFromAIsUnknownOnB()
    {
        // Matrix P4: the in-memory store is one process; several instances need a shared store (WsAuth.Postgres).
        await using var a = await TicketTestApp.StartAsync();
        await using var b = await TicketTestApp.StartAsync();
        var response = await TicketTestApp.RedeemAsync(b, await TicketTestApp.IssueAsync(a));
        Assert.Equal(WebSocketAuthFailureReasons.TicketInvalid, response.Body);
    }

    private static string Base64UrlTicket() => Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Keeps only the name, to show a serializer can trim what a ticket carries.</summary>
    private sealed class NameOnlySerializer : Microsoft.AspNetCore.Authentication.IDataSerializer<System.Security.Claims.ClaimsPrincipal>
    {
        public byte[] Serialize(System.Security.Claims.ClaimsPrincipal model)
            => System.Text.Encoding.UTF8.GetBytes(model.Identity!.Name!);

        public System.Security.Claims.ClaimsPrincipal? Deserialize(byte[] data)
            => new(new System.Security.Claims.ClaimsIdentity([new(System.Security.Claims.ClaimTypes.Name, System.Text.Encoding.UTF8.GetString(data) + "|kept-by-custom-serializer")], "custom"));
    }

    private sealed class ThrowingStore : IWebSocketTicketStore
    {
        public const string Secret = "connection-string-password-in-message";

        public ValueTask<bool> TryStoreAsync(string ticketId, byte[] data, DateTimeOffset expiresAt, CancellationToken cancellationToken)
            => throw new TimeoutException("store timed out: " + Secret);

        public ValueTask<byte[]?> ConsumeAsync(string ticketId, CancellationToken cancellationToken)
            => throw new TimeoutException("store timed out: " + Secret);
    }

    private sealed class RecordingStore : IWebSocketTicketStore
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _tickets = new(StringComparer.Ordinal);

        public List<(string Id, byte[] Data)> Stored { get; } = [];

        public ValueTask<bool> TryStoreAsync(string ticketId, byte[] data, DateTimeOffset expiresAt, CancellationToken cancellationToken)
        {
            lock (Stored)
            {
                Stored.Add((ticketId, data));
            }

            return ValueTask.FromResult(_tickets.TryAdd(ticketId, data));
        }

        public ValueTask<byte[]?> ConsumeAsync(string ticketId, CancellationToken cancellationToken)
            => ValueTask.FromResult(_tickets.TryRemove(ticketId, out var data) ? data : null);
    }
}
