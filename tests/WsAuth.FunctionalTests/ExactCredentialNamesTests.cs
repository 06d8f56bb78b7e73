using System.Net;
using Microsoft.Extensions.DependencyInjection;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>
/// Code and docs agree (SECURITY-MATRIX AV7, AV11): the query parameters <c>access_token</c> and <c>ticket</c> are read
/// by their exact, case-sensitive, unencoded name only, so a log scrubber keyed on that name sees every credential; and
/// <c>Authorization: Basic</c> alone gets 401 <c>basic_not_supported</c> before the upgrade, first message or not.
/// </summary>
public class ExactCredentialNamesTests
{
    [Theory]
    [Trait("Matrix", "AV7")]
    [InlineData("ACCESS_TOKEN")]
    [InlineData("Access_Token")]
    [InlineData("%61ccess_token")]
    [InlineData("access%5Ftoken")]
    public async Task QueryToken_UnderAnotherSpelling_IsNotACredential(string name)
    {
        // Arrange
        await using var app = await TokenApp.StartAsync(ws => ws.AddQueryToken());
        var token = TokenApp.Token("alice");

        // Act
        var other = await RawHandshake.SendAsync(app.HttpUri, $"/ws?{name}={token}", [("Origin", TokenApp.AllowedOrigin)]);
        var exact = await RawHandshake.SendAsync(app.HttpUri, $"/ws?access_token={token}", [("Origin", TokenApp.AllowedOrigin)]);

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, other.Status);
        Assert.Equal(WebSocketAuthFailureReasons.NoCredentials, other.Body);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, exact.Status);
    }

    [Theory]
    [Trait("Matrix", "AV7")]
    [InlineData("TICKET")]
    [InlineData("Ticket")]
    [InlineData("%74icket")]
    [InlineData("tick%65t")]
    public async Task Ticket_UnderAnotherSpelling_IsNotACredential_AndIsNotSpent(string name)
    {
        // Arrange
        await using var app = await TicketTestApp.StartAsync();
        var ticket = await TicketTestApp.IssueAsync(app);

        // Act
        var other = await RawHandshake.SendAsync(app.HttpUri, $"/ws?{name}={ticket}", [("Origin", TicketTestApp.AllowedOrigin)]);
        var exact = await RawHandshake.SendAsync(app.HttpUri, $"/ws?ticket={ticket}", [("Origin", TicketTestApp.AllowedOrigin)]);

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, other.Status);
        Assert.Equal(WebSocketAuthFailureReasons.NoCredentials, other.Body);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, exact.Status);
    }

    [Fact]
    [Trait("Matrix", "AV11")]
    public async Task OnlyBasicCredentials_WithFirstMessageRegistered_Get401BeforeTheUpgrade()
    {
        // Arrange
        var (app, _, _) = await FirstMessageApp.StartAsync();
        await using var _app = app;

        // Act
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", FirstMessageApp.AllowedOrigin), ("Authorization", "Basic YWxpY2U6c2VjcmV0")]);

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal(WebSocketAuthFailureReasons.BasicNotSupported, response.Body);
        Assert.Equal(0, app.EndpointInvocations);
    }
}
