using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.IdentityModel.Logging;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>
/// SECURITY-MATRIX L1/L2: every log line captured at Trace, in every category, during handshakes with good and bad
/// tokens over every transport: no WsAuth line contains any token used, even with IdentityModel's ShowPII on. The same
/// audit covers telemetry: no WsAuth span tag, status or metric tag value holds a token, ticket or cookie.
/// </summary>
public class TokenLogRedactionTests
{
    [Fact]
    [Trait("Matrix", "L1")]
    [Trait("Matrix", "L2")]
    public async Task NoWsAuthLogLine_ContainsAnyToken_AtTrace_WithShowPII()
    {
        var showPii = IdentityModelEventSource.ShowPII;
        IdentityModelEventSource.ShowPII = true;
        using var traces = new TraceCapture();
        try
        {
            await using var app = await TokenApp.StartAsync();
            using var metrics = new MeterTagCapture(app.App.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
            var now = TimeProvider.System.GetUtcNow();
            var tokens = new List<string>
            {
                TestJwt.HmacToken(now, "good-hmac"),
                TestJwt.RsaToken(now, "good-rsa"),
                TestJwt.EcdsaToken(now, "good-ec"),
                TestJwt.HmacToken(now.AddHours(-1), "expired"),
                TestJwt.HmacToken(now, change: c => c["iss"] = "https://evil.test/" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8))),
                TestJwt.HmacToken(now, change: c => c["aud"] = "elsewhere-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8))),
                TestJwt.HmacToken(now, change: c => c["exp"] = null),
                TestJwt.HmacToken(now)[..^5],
                TestJwt.Sign("""{"alg":"none"}""", TestJwt.Payload(now), null) + "junk",
                TestJwt.Sign("""{"alg":"HS256","jku":"http://127.0.0.1:1/k"}""", TestJwt.Payload(now), TestJwt.Hs256(new byte[32])),
                "opaque-garbage-token-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
                "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00iLCJ6aXAiOiJERUYifQ.secretkey.iv0123.ciphertextsecret.tagsecret",
            };

            foreach (var token in tokens)
            {
                await Handshake(app, "/ws", ("Authorization", "Bearer " + token));
                await Handshake(app, "/ws?access_token=" + Uri.EscapeDataString(token));
                await Handshake(app, "/ws", ("Sec-WebSocket-Protocol", $"chat.v1, access_token, {token}"));
                await Handshake(app, "/ws", ("Sec-WebSocket-Protocol", $"{TestJwt.KubernetesProtocol(token)}, chat.v1"));
            }

            // Encoding mistakes carry the token too.
            var padded = TestJwt.Base64Url(tokens[0] + "x") + "=";
            await Handshake(app, "/ws", ("Sec-WebSocket-Protocol", $"{WebSocketAuthDefaults.KubernetesSubprotocolTokenPrefix}{padded}, chat.v1"));
            await Handshake(app, "/ws", ("Sec-WebSocket-Protocol", $"access_token, {tokens[0]}, access_token, {tokens[1]}"));

            var secrets = tokens.SelectMany(TestJwt.Secrets)
                .Append(padded)
                .Where(s => s.Length >= 16 && s != TestJwt.Issuer)
                .Distinct()
                .ToList();
            var wsAuthLines = app.Logs.FromWsAuth().ToList();
            Assert.Contains(wsAuthLines, e => e.Id.Name == "HandshakeRejected");
            Assert.Contains(wsAuthLines, e => e.Id.Name == "JwtRejected");
            foreach (var line in wsAuthLines)
            {
                foreach (var secret in secrets)
                {
                    Assert.False(line.AllText.Contains(secret, StringComparison.Ordinal), $"WsAuth log line {line.Id.Name} contains a token");
                }
            }

            // The only lines with a token are ASP.NET Core hosting's request URLs: what the query-token warning is about.
            var leaking = app.Logs.GetSnapshot().Where(e => secrets.Any(s => e.AllText.Contains(s, StringComparison.Ordinal))).Select(e => e.Category).Distinct().ToList();
            Assert.All(leaking, category => Assert.StartsWith("Microsoft.AspNetCore.Hosting", category, StringComparison.Ordinal));
            Assert.NotEmpty(leaking); // the check above can fail: hosting does log the query token

            AssertNoSecretInTelemetry(traces, metrics, secrets, "wsauth.handshakes");
        }
        finally
        {
            IdentityModelEventSource.ShowPII = showPii;
        }
    }

    /// <summary>
    /// The log audit (matrix L1, L2): the real sample with every method, on Kestrel, every logger at Trace and every
    /// category captured. Known secrets go through every method, good and bad: the ticket (query, replayed, forged), the
    /// cookie, bearer, query, both subprotocol forms, the first message and an in-band refresh. No WsAuth line holds any of
    /// them, nor the JWT segments, nor a ticket's full SHA-256 id; the 12-character id prefix WsAuth logs is never part of
    /// a ticket; and both startup warnings (query token, ticket URLs) fire because hosting logs URLs at Information.
    /// </summary>
    [Fact]
    [Trait("Matrix", "L1")]
    [Trait("Matrix", "L2")]
    public async Task Audit_EveryMethodOfTheSample_AtTrace_NoWsAuthLineHoldsASecret_AndTheUrlWarningsFire()
    {
        var showPii = IdentityModelEventSource.ShowPII;
        IdentityModelEventSource.ShowPII = true;
        var logs = new FakeLogCollector();
        using var traces = new TraceCapture();
        try
        {
            // Arrange: the sample, all categories at Trace (its appsettings.json says Warning for Microsoft.AspNetCore).
            const string origin = "https://sample.example.com";
            await using var sample = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            {
                b.UseEnvironment("Development");
                b.ConfigureAppConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["WsAuth:AllowedOrigins:0"] = origin,
                    ["Logging:LogLevel:Default"] = "Trace",
                    ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
                    ["Logging:LogLevel:WsAuth"] = "Trace",
                }));
                b.ConfigureLogging(l => l.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs)));
            });
            sample.UseKestrel(0);
            sample.StartServer();
            var server = new Uri(sample.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            using var metrics = new MeterTagCapture(sample.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
            using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = server };

            var (token, cookie) = await SampleLoginAsync(http, "audit-user");
            var (refreshToken, _) = await SampleLoginAsync(http, "audit-user");
            var tickets = new[] { await SampleTicketAsync(http, cookie, origin), await SampleTicketAsync(http, cookie, origin) };
            var forgedTicket = System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            var badTokens = new[]
            {
                TestJwt.HmacToken(TimeProvider.System.GetUtcNow(), "audit-forged"),
                "opaque-audit-secret-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
                token[..^6],
            };

            // Act: every method, accepted and refused.
            var accepted = new List<RawResponse>
            {
                await RawHandshake.SendAsync(server, "/ws?ticket=" + tickets[0], [("Origin", origin)]),
                await RawHandshake.SendAsync(server, "/ws", [("Origin", origin), ("Cookie", cookie)]),
                await RawHandshake.SendAsync(server, "/ws", [("Origin", origin), ("Authorization", "Bearer " + token)]),
                await RawHandshake.SendAsync(server, "/ws?access_token=" + token, [("Origin", origin)]),
                await RawHandshake.SendAsync(server, "/ws", [("Origin", origin), ("Sec-WebSocket-Protocol", "access_token, " + token)]),
                await RawHandshake.SendAsync(server, "/ws", [("Origin", origin), ("Sec-WebSocket-Protocol", TestJwt.KubernetesProtocol(token) + ", chat.v1")]),
            };
            var refused = new List<RawResponse>
            {
                await RawHandshake.SendAsync(server, "/ws?ticket=" + tickets[0], [("Origin", origin)]),
                await RawHandshake.SendAsync(server, "/ws?ticket=" + forgedTicket, [("Origin", origin)]),
                await RawHandshake.SendAsync(server, "/ws?ticket=" + tickets[1], [("Origin", "https://evil.test")]),
                await RawHandshake.SendAsync(server, "/ws", [("Origin", "https://evil.test"), ("Cookie", cookie)]),
            };
            foreach (var bad in badTokens)
            {
                refused.Add(await RawHandshake.SendAsync(server, "/ws", [("Origin", origin), ("Authorization", "Bearer " + bad)]));
                refused.Add(await RawHandshake.SendAsync(server, "/ws?access_token=" + Uri.EscapeDataString(bad), [("Origin", origin)]));
                refused.Add(await RawHandshake.SendAsync(server, "/ws", [("Origin", origin), ("Sec-WebSocket-Protocol", "chat.v1, access_token, " + bad)]));
                refused.Add(await RawHandshake.SendAsync(server, "/ws", [("Origin", origin), ("Sec-WebSocket-Protocol", TestJwt.KubernetesProtocol(bad) + ", chat.v1")]));
            }

            var firstMessage = await FirstMessageThenRefreshAsync(server, origin, token, refreshToken);
            var rejectedFirstMessage = await FirstMessageRejectedAsync(server, origin, badTokens[0]);

            // Revocation: logout-everywhere with the bearer token closes the user's open socket, and the earlier token and
            // cookie are refused from then on (401 revoked).
            using var revokedSocket = await WebSocketTestClient.ConnectAsync(new Uri($"ws://{server.Authority}/ws"), origin, o => o.SetRequestHeader("Authorization", "Bearer " + token));
            await WebSocketTestClient.ReceiveTextAsync(revokedSocket);
            using var logoutEverywhere = new HttpRequestMessage(HttpMethod.Post, "/auth/logout-everywhere");
            logoutEverywhere.Headers.Add("Origin", origin);
            logoutEverywhere.Headers.Add("Authorization", "Bearer " + token);
            using var logoutResponse = await http.SendAsync(logoutEverywhere);
            using var closeTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            var revokedClose = await revokedSocket.ReceiveAsync(new byte[256], closeTimeout.Token);
            var revokedAfter = new[]
            {
                await RawHandshake.SendAsync(server, "/ws", [("Origin", origin), ("Authorization", "Bearer " + token)]),
                await RawHandshake.SendAsync(server, "/ws", [("Origin", origin), ("Cookie", cookie)]),
            };

            // Assert: the traffic did what it should, so the audit covers real successes and failures.
            Assert.All(accepted, r => Assert.Equal(HttpStatusCode.SwitchingProtocols, r.Status));
            Assert.All(refused, r => Assert.True(r.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.BadRequest, $"{(int)r.Status} {r.Body}"));
            Assert.Equal(["wsauth.authenticated", "welcome", "wsauth.refreshed"], firstMessage);
            Assert.Equal((WebSocketCloseStatus)4401, rejectedFirstMessage);
            Assert.Equal(HttpStatusCode.OK, logoutResponse.StatusCode);
            Assert.Equal(((WebSocketCloseStatus)4401, "revoked"), (revokedClose.CloseStatus, revokedClose.CloseStatusDescription));
            Assert.All(revokedAfter, r => Assert.Equal((HttpStatusCode.Unauthorized, "revoked"), (r.Status, r.Body)));

            var ticketIds = tickets.Append(forgedTicket).Select(TicketId).ToList();
            var secrets = new[] { token, refreshToken }.Concat(badTokens)
                .SelectMany(TestJwt.Secrets)
                .Concat(tickets).Append(forgedTicket).Concat(ticketIds)
                .Append(cookie[(cookie.IndexOf('=', StringComparison.Ordinal) + 1)..])
                .Where(s => s.Length >= 16)
                .Distinct()
                .ToList();
            var wsAuthLines = logs.FromWsAuth().ToList();
            foreach (var line in wsAuthLines)
            {
                foreach (var secret in secrets)
                {
                    Assert.False(line.AllText.Contains(secret, StringComparison.Ordinal), $"WsAuth log line {line.Category}/{line.Id.Name} contains a secret");
                }
            }

            // The ticket id prefix in logs correlates issue and redemption but is not part of any ticket.
            var loggedPrefixes = ticketIds.Select(id => id[..12]).Where(p => wsAuthLines.Any(l => l.AllText.Contains(p, StringComparison.Ordinal))).ToList();
            Assert.NotEmpty(loggedPrefixes);
            Assert.All(loggedPrefixes, p => Assert.DoesNotContain(tickets.Append(forgedTicket), t => t.Contains(p, StringComparison.Ordinal)));

            foreach (var expected in new[] { "QueryTokenUrlsLogged", "TicketUrlsLogged", "TicketRedeemed", "SessionRefreshed", "HandshakeRejected", "JwtRejected", "RevocationRequested", "SessionClosed" })
            {
                Assert.Contains(wsAuthLines, l => l.Id.Name == expected);
            }

            Assert.Contains(wsAuthLines, l => l.Id.Name is "QueryTokenUrlsLogged" or "TicketUrlsLogged" && l.Level == LogLevel.Warning);

            // The capture is real: ASP.NET Core's hosting did write the query token and the ticket (what the warnings are
            // about), so the checks above would have seen a leak.
            var leaking = logs.GetSnapshot().Where(e => secrets.Any(s => e.AllText.Contains(s, StringComparison.Ordinal))).Select(e => e.Category).Distinct().ToList();
            Assert.NotEmpty(leaking);
            Assert.All(leaking, c => Assert.StartsWith("Microsoft.AspNetCore.Hosting", c, StringComparison.Ordinal));

            // Telemetry: spans of every kind and the session instruments were recorded, and none holds a secret.
            AssertNoSecretInTelemetry(traces, metrics, secrets, "wsauth.handshakes", "wsauth.sessions.active", "wsauth.session.duration", "wsauth.session.refreshes", "wsauth.first_message.duration");
            foreach (var name in new[] { "wsauth.handshake", "wsauth.first_message", "wsauth.session.refresh" })
            {
                Assert.Contains(traces.WsAuthActivities, a => a.OperationName == name);
            }
        }
        finally
        {
            IdentityModelEventSource.ShowPII = showPii;
        }
    }

    /// <summary>
    /// No secret in any WsAuth span (every test's: the source is process-wide, which only widens the check) nor in any
    /// tag value of this app's meter; and the capture is real: spans and the named instruments did record.
    /// </summary>
    private static void AssertNoSecretInTelemetry(TraceCapture traces, MeterTagCapture metrics, IReadOnlyList<string> secrets, params string[] instruments)
    {
        var spans = traces.WsAuthActivities.ToList();
        Assert.Contains(spans, a => Equals(a.GetTagItem("wsauth.outcome"), "rejected"));
        Assert.Contains(spans, a => Equals(a.GetTagItem("wsauth.outcome"), "authenticated"));
        foreach (var instrument in instruments)
        {
            Assert.Contains(instrument, metrics.Instruments);
        }

        var texts = spans.SelectMany(TracingTests.Texts).Concat(metrics.TagValues).Distinct().ToList();
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(texts, t => t.Contains(secret, StringComparison.Ordinal));
        }
    }

    private static async Task<(string Token, string Cookie)> SampleLoginAsync(HttpClient http, string user)
    {
        using var response = await http.PostAsJsonAsync("/auth/login", new { user });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        var setCookie = response.Headers.GetValues("Set-Cookie").Single();
        return (token, setCookie[..setCookie.IndexOf(';', StringComparison.Ordinal)]);
    }

    private static async Task<string> SampleTicketAsync(HttpClient http, string cookie, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ws/ticket");
        request.Headers.Add("Cookie", cookie);
        request.Headers.Add("Origin", origin);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ticket").GetString()!;
    }

    private static async Task<List<string?>> FirstMessageThenRefreshAsync(Uri server, string origin, string token, string refreshToken)
    {
        using var socket = await WebSocketTestClient.ConnectAsync(new Uri($"ws://{server.Authority}/ws"), origin);
        var types = new List<string?>();
        await WebSocketTestClient.SendTextAsync(socket, JsonSerializer.Serialize(new { type = "auth", token }));
        types.Add(JsonDocument.Parse(await WebSocketTestClient.ReceiveTextAsync(socket)).RootElement.GetProperty("type").GetString());
        types.Add(JsonDocument.Parse(await WebSocketTestClient.ReceiveTextAsync(socket)).RootElement.GetProperty("type").GetString());
        await WebSocketTestClient.SendTextAsync(socket, JsonSerializer.Serialize(new { type = "refresh", token = refreshToken }));
        types.Add(JsonDocument.Parse(await WebSocketTestClient.ReceiveTextAsync(socket)).RootElement.GetProperty("type").GetString());
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        return types;
    }

    private static async Task<WebSocketCloseStatus?> FirstMessageRejectedAsync(Uri server, string origin, string badToken)
    {
        using var socket = await WebSocketTestClient.ConnectAsync(new Uri($"ws://{server.Authority}/ws"), origin);
        await WebSocketTestClient.SendTextAsync(socket, JsonSerializer.Serialize(new { type = "auth", token = badToken }));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var buffer = new byte[4096];
        while ((await socket.ReceiveAsync(buffer, timeout.Token)).MessageType != WebSocketMessageType.Close)
        {
        }

        return socket.CloseStatus;
    }

    private static string TicketId(string ticket)
        => System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.SHA256.HashData(System.Buffers.Text.Base64Url.DecodeFromChars(ticket)));

    private static async Task Handshake(KestrelTestApp app, string path, params (string Name, string Value)[] headers)
    {
        var response = await RawHandshake.SendAsync(app.HttpUri, path, [("Origin", TokenApp.AllowedOrigin), .. headers]);
        Assert.NotEqual(HttpStatusCode.InternalServerError, response.Status);
    }
}
