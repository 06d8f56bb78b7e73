using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>
/// A token inside the clock skew past its expiry (issue 16, finding 11): the validator accepts it, but its session
/// would end at once. It is refused as <c>expired</c> before endpoint code gets a socket (401 at the handshake, 4401
/// for a first message), so an endpoint that sends at once never throws.
/// </summary>
public class SkewedExpiryTests
{
    private static Task<KestrelTestApp> StartAsync()
        => KestrelTestApp.StartAsync(
            b => b.Services.AddWebSocketAuth(o => o.AllowedOrigins.Add(TokenApp.AllowedOrigin))
                .AddJwtValidation(o =>
                {
                    o.SigningKeys.Add(TestJwt.HmacKey);
                    o.ValidIssuers.Add(TestJwt.Issuer);
                    o.ValidAudiences.Add(TestJwt.Audience);
                })
                .AddBearer()
                .AddFirstMessage(),
            (app, test) =>
            {
                app.UseWebSocketAuth();
                test.MapWelcomeEcho(app); // sends its welcome as soon as it has the socket
            });

    private static string ExpiredWithinSkew()
    {
        var now = TimeProvider.System.GetUtcNow();
        return TestJwt.HmacToken(now, "alice", c => c["exp"] = now.AddSeconds(-10).ToUnixTimeSeconds());
    }

    [Fact]
    [Trait("Matrix", "AV11")]
    public async Task TokenInsideTheSkewPastItsExpiry_AtTheHandshake_Gets401Expired()
    {
        await using var app = await StartAsync();

        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", TokenApp.AllowedOrigin), ("Authorization", "Bearer " + ExpiredWithinSkew())]);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal(WebSocketAuthFailureReasons.Expired, response.Body);
        Assert.Equal(0, app.EndpointInvocations);
        Assert.DoesNotContain(app.Logs.GetSnapshot(), e => e.Exception is not null);
    }

    [Fact]
    [Trait("Matrix", "AV11")]
    public async Task TokenInsideTheSkewPastItsExpiry_InAFirstMessage_Closes4401BeforeTheEndpoint()
    {
        await using var app = await StartAsync();
        using var socket = await WebSocketTestClient.ConnectAsync(app.WebSocketUri(), TokenApp.AllowedOrigin);

        await FirstMessageApp.SendAuthAsync(socket, ExpiredWithinSkew());
        var (code, reason) = await FirstMessageApp.ReceiveCloseAsync(socket);

        Assert.Equal(4401, code);
        Assert.Equal(WebSocketAuthFailureReasons.Expired, reason);
        Assert.Equal(0, app.EndpointInvocations);
        Assert.DoesNotContain(app.Logs.GetSnapshot(), e => e.Exception is not null);
    }
}
