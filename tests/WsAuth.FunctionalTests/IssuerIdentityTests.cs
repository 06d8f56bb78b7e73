using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using System.Net.WebSockets;
using System.Text.Json;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>
/// With two valid issuers, the same <c>sub</c> from each is two users (SECURITY-MATRIX AV4): a session of
/// <c>iss=A, sub=alice</c> refuses a refresh from <c>iss=B, sub=alice</c> with 4403, and their per-user budgets are
/// separate. Real JWTs, validated by the default validator, on Kestrel.
/// </summary>
public class IssuerIdentityTests
{
    private const string OtherIssuer = "https://other-issuer.example";

    private static Task<KestrelTestApp> StartAsync(int permitsPerUser = 60)
        => KestrelTestApp.StartAsync(
            b => b.Services.AddWebSocketAuth(o =>
                {
                    o.AllowedOrigins.Add(TokenApp.AllowedOrigin);
                    o.RateLimiting.PermitsPerUser = permitsPerUser;
                })
                .AddJwtValidation(o =>
                {
                    o.SigningKeys.Add(TestJwt.HmacKey);
                    o.ValidIssuers.Add(TestJwt.Issuer);
                    o.ValidIssuers.Add(OtherIssuer);
                    o.ValidAudiences.Add(TestJwt.Audience);
                })
                .AddBearer(),
            (app, test) =>
            {
                app.UseWebSocketAuth();
                test.MapWelcomeEcho(app);
            });

    private static string Token(string issuer, string subject = "alice")
        => TestJwt.HmacToken(TimeProvider.System.GetUtcNow(), subject, c => c["iss"] = issuer);

    private static void Bearer(ClientWebSocketOptions options, string token) => options.SetRequestHeader("Authorization", "Bearer " + token);

    [Fact]
    [Trait("Matrix", "AV4")]
    public async Task RefreshFromAnotherIssuer_ForTheSameSub_Closes4403()
    {
        // Arrange
        await using var app = await StartAsync();
        using var socket = await WebSocketTestClient.ConnectAsync(app.WebSocketUri(), TokenApp.AllowedOrigin, o => Bearer(o, Token(TestJwt.Issuer)));
        var welcome = JsonDocument.Parse(await WebSocketTestClient.ReceiveTextAsync(socket)).RootElement;

        // Act
        await FirstMessageApp.SendRefreshAsync(socket, Token(OtherIssuer));
        var (code, reason) = await FirstMessageApp.ReceiveCloseAsync(socket);

        // Assert
        Assert.Equal("alice", welcome.GetProperty("user").GetString());
        Assert.Equal(4403, code);
        Assert.Equal(WebSocketAuthFailureReasons.SubjectMismatch, reason);
    }

    [Fact]
    [Trait("Matrix", "AV4")]
    public async Task RefreshFromTheSameIssuer_StillWorks()
    {
        await using var app = await StartAsync();
        using var socket = await WebSocketTestClient.ConnectAsync(app.WebSocketUri(), TokenApp.AllowedOrigin, o => Bearer(o, Token(TestJwt.Issuer)));
        await WebSocketTestClient.ReceiveTextAsync(socket);

        await FirstMessageApp.SendRefreshAsync(socket, Token(TestJwt.Issuer));
        var ack = await FirstMessageApp.ReceiveJsonAsync(socket);

        Assert.Equal("wsauth.refreshed", ack.GetProperty("type").GetString());
    }

    [Fact]
    [Trait("Matrix", "AV4")]
    public async Task TheSameSubFromAnotherIssuer_SpendsItsOwnPerUserBudget()
    {
        // Arrange: 3 handshakes per user a minute.
        await using var app = await StartAsync(permitsPerUser: 3);

        // Act: iss=B alice uses up its budget; then iss=A alice connects.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add(await WebSocketTestClient.HandshakeStatusAsync(app.WebSocketUri(), TokenApp.AllowedOrigin, o => Bearer(o, Token(OtherIssuer))));
        }

        var fromA = await WebSocketTestClient.HandshakeStatusAsync(app.WebSocketUri(), TokenApp.AllowedOrigin, o => Bearer(o, Token(TestJwt.Issuer)));

        // Assert
        Assert.Equal([HttpStatusCode.SwitchingProtocols, HttpStatusCode.SwitchingProtocols, HttpStatusCode.SwitchingProtocols, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, fromA);
    }
}
