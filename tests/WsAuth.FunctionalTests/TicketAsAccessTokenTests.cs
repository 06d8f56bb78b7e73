using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>
/// Where <c>WithWebSocketTicketsAsAccessToken()</c> reads a ticket (docs/signalr.md), with raw handshakes: SignalR's
/// <c>access_token</c> (exact name only, AV7) and <c>Authorization: Bearer</c>, ticket-shaped values only, whatever the
/// order the bearer and query methods were registered in; never on endpoints that did not opt in.
/// </summary>
public sealed class TicketAsAccessTokenTests
{
    private const string Origin = "https://app.example.com";

    [Trait("Matrix", "AV7")]
    [Theory]
    [InlineData("ACCESS_TOKEN")]
    [InlineData("%61ccess_token")]
    [InlineData("access%5Ftoken")]
    public async Task AccessToken_UnderAnotherSpelling_IsNotRead_AndTheTicketIsNotSpent(string name)
    {
        // Arrange
        await using var app = await StartAsync();
        var ticket = await IssueAsync(app);

        // Act
        var other = await RawHandshake.SendAsync(app.HttpUri, $"/opted?{name}={ticket}", [("Origin", Origin)]);
        var exact = await RawHandshake.SendAsync(app.HttpUri, $"/opted?access_token={ticket}", [("Origin", Origin)]);

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, other.Status);
        Assert.Equal(WebSocketAuthFailureReasons.NoCredentials, other.Body);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, exact.Status);
    }

    [Fact]
    public async Task TicketAsBearer_WithTheBearerMethodRegisteredFirst_IsRedeemedByTheTicketMethod()
    {
        // Arrange: AddBearer() and AddQueryToken() come before AddTickets() here
        await using var app = await StartAsync();
        var viaBearer = await IssueAsync(app);
        var viaQuery = await IssueAsync(app);

        // Act
        var bearer = await RawHandshake.SendAsync(app.HttpUri, "/opted", [("Origin", Origin), ("Authorization", "Bearer " + viaBearer)]);
        var query = await RawHandshake.SendAsync(app.HttpUri, $"/opted?access_token={viaQuery}", [("Origin", Origin)]);

        // Assert
        Assert.Equal(HttpStatusCode.SwitchingProtocols, bearer.Status);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, query.Status);
        Assert.Contains(app.Logs.GetSnapshot(), r => r.Id.Name == "TicketRedeemed");
    }

    [Fact]
    public async Task JwtInAccessToken_OnAnOptedEndpoint_IsStillTheQueryMethods()
    {
        // Arrange: this app registered the query method itself, so a JWT in the URL is its call
        await using var app = await StartAsync();
        var jwt = TestJwt.HmacToken(DateTimeOffset.UtcNow, subject: "bob");

        // Act
        var response = await RawHandshake.SendAsync(app.HttpUri, $"/opted?access_token={jwt}", [("Origin", Origin)]);

        // Assert
        Assert.Equal(HttpStatusCode.SwitchingProtocols, response.Status);
    }

    [Fact]
    public async Task TwoTickets_InAccessTokenAndBearer_Are400Multiple()
    {
        // Arrange
        await using var app = await StartAsync();
        var one = await IssueAsync(app);
        var two = await IssueAsync(app);

        // Act
        var response = await RawHandshake.SendAsync(app.HttpUri, $"/opted?access_token={one}", [("Origin", Origin), ("Authorization", "Bearer " + two)]);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(WebSocketAuthFailureReasons.TicketMultiple, response.Body);
    }

    [Fact]
    public async Task TicketInAccessToken_OnAnEndpointThatDidNotOptIn_IsNotATicket()
    {
        // Arrange
        await using var app = await StartAsync();
        var ticket = await IssueAsync(app);

        // Act: the query method reads access_token here, and a ticket is no JWT
        var plain = await RawHandshake.SendAsync(app.HttpUri, $"/plain?access_token={ticket}", [("Origin", Origin)]);
        var opted = await RawHandshake.SendAsync(app.HttpUri, $"/opted?access_token={ticket}", [("Origin", Origin)]);

        // Assert: refused there, and not spent
        Assert.Equal(HttpStatusCode.Unauthorized, plain.Status);
        Assert.DoesNotContain(app.Logs.GetSnapshot(), r => r.Id.Name == "TicketRejected");
        Assert.Equal(HttpStatusCode.SwitchingProtocols, opted.Status);
    }

    private static async Task<string> IssueAsync(KestrelTestApp app)
    {
        var response = await TicketTestApp.RequestAsync(app, await TicketTestApp.LoginAsync(app), Origin);
        Assert.Equal(HttpStatusCode.OK, response.Status);
        return response.Ticket!;
    }

    private static Task<KestrelTestApp> StartAsync()
        => KestrelTestApp.StartAsync(
            b =>
            {
                b.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
                b.Services.AddAuthorization();
                b.Services.AddWebSocketAuth(o => o.AllowedOrigins.Add(Origin))
                    .AddJwtValidation(o =>
                    {
                        o.SigningKeys.Add(TestJwt.HmacKey);
                        o.ValidIssuers.Add(TestJwt.Issuer);
                        o.ValidAudiences.Add(TestJwt.Audience);
                    })
                    .AddBearer()
                    .AddQueryToken()
                    .AddTickets();
            },
            (app, test) =>
            {
                app.UseAuthentication();
                app.UseWebSocketAuth();
                app.UseAuthorization();
                app.MapPost("/login", async (HttpContext context, string user) =>
                    await context.SignInAsync(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, user)], CookieAuthenticationDefaults.AuthenticationScheme))));
                app.MapWebSocketTickets("/ws/ticket");
                test.MapWelcomeEcho(app, "/plain");
                app.Map("/opted", test.WelcomeEchoAsync).WithWebSocketTicketsAsAccessToken();
            });
}
