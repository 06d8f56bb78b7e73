using System.Text.Json;
using Microsoft.Playwright;
using WsAuth.Testing;
using static Microsoft.Playwright.Assertions;

namespace WsAuth.BrowserTests;

/// <summary>
/// Every browser method of the real sample server, from the sample's page in Chromium: the page shows who the server
/// thinks you are, and the server agrees (its handshake record and WsAuth's own log line say which method decided).
/// </summary>
[Collection(BrowserCollection.Name)]
public class MethodsInChromiumTests(BrowserFixture fixture)
{
    private const string KubernetesPrefix = "base64url.bearer.authorization.k8s.io.";

    [Fact]
    public async Task Ticket_FetchesASingleUseTicket_AndConnectsAsTheUser()
    {
        // Arrange
        var page = await fixture.NewPageAsync();
        await SamplePage.RecordSocketsAsync(page);
        await SamplePage.OpenAndLogInAsync(page, "alice");
        var mark = Mark();

        // Act
        await page.ClickAsync("#connect-ticket");

        // Assert: the page ...
        await Expect(page.GetByTestId("status-ticket")).ToContainTextAsync("The server says you are alice, authenticated by ticket.");
        await Expect(page.GetByTestId("log")).ToContainTextAsync("""{"type":"welcome","user":"alice","method":"ticket"}""");

        // ... Chrome opened /ws?ticket=<the ticket> after one POST /ws/ticket from the sample's origin ...
        var socket = Assert.Single(await SamplePage.SocketsAsync(page));
        var ticket = new Uri(socket.Url).Query.TrimStart('?').Split('&').Single(p => p.StartsWith("ticket=", StringComparison.Ordinal))["ticket=".Length..];
        var ticketRequest = Assert.Single(fixture.Sample.TicketRequests.Skip(mark.TicketRequests));
        Assert.Equal(("POST", BrowserFixture.SampleOrigin, 200), (ticketRequest.Method, ticketRequest.Origin, ticketRequest.Status));

        // ... and the server redeemed it: ticket, not the cookie the browser sent along, decided. No log line has the ticket.
        var handshake = AssertAuthenticatedBy(mark, "ticket");
        Assert.Contains("wsauth-sample", handshake.CookieNames);
        Assert.DoesNotContain(fixture.Sample.Logs.GetSnapshot(), e => e.AllText.Contains(Uri.UnescapeDataString(ticket), StringComparison.Ordinal));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Subprotocol_MarkerForm_ChromeReportsTheMarker_NeverTheToken()
    {
        // Arrange: logged out, so no cookie: only the token can authenticate the socket.
        var page = await fixture.NewPageAsync();
        await SamplePage.RecordSocketsAsync(page);
        await SamplePage.OpenAndLogInAsync(page, "alice");
        await SamplePage.LogOutKeepingTheTokenAsync(page);
        var mark = Mark();

        // Act
        await page.ClickAsync("#connect-subprotocol");

        // Assert
        await Expect(page.GetByTestId("status-subprotocol")).ToContainTextAsync("The server says you are alice, authenticated by subprotocol. Protocol: access_token.");
        var socket = Assert.Single(await SamplePage.SocketsAsync(page));
        Assert.Equal("access_token", socket.Offered[0]);
        var token = socket.Offered[1];
        Assert.StartsWith("eyJ", token, StringComparison.Ordinal);
        Assert.Equal("access_token", socket.Protocol); // what Chrome itself reports as the selected protocol
        Assert.NotEqual(token, socket.Protocol);
        Assert.Equal("access_token", await page.EvaluateAsync<string>("() => document.querySelector('#status-subprotocol code').textContent"));

        var handshake = AssertAuthenticatedBy(mark, "subprotocol");
        Assert.Empty(handshake.CookieNames);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Subprotocol_KubernetesForm_ChromeReportsTheAppProtocol_NeverTheToken()
    {
        // Arrange
        var page = await fixture.NewPageAsync();
        await SamplePage.RecordSocketsAsync(page);
        await SamplePage.OpenAndLogInAsync(page, "alice");
        await SamplePage.LogOutKeepingTheTokenAsync(page);
        var mark = Mark();

        // Act
        await page.ClickAsync("#connect-subprotocol-k8s");

        // Assert: Chrome sent [echo.v1, base64url.bearer.authorization.k8s.io.<unpadded base64url>] and reports echo.v1.
        await Expect(page.GetByTestId("status-subprotocol-k8s")).ToContainTextAsync("The server says you are alice, authenticated by subprotocol. Protocol: echo.v1.");
        var socket = Assert.Single(await SamplePage.SocketsAsync(page));
        Assert.Equal("echo.v1", socket.Offered[0]);
        Assert.StartsWith(KubernetesPrefix, socket.Offered[1], StringComparison.Ordinal);
        Assert.DoesNotContain('=', socket.Offered[1]);
        Assert.Equal("echo.v1", socket.Protocol);

        AssertAuthenticatedBy(mark, "subprotocol");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task FirstMessage_IsAcknowledged_ThePageNeverSeesTheControlMessage_AndTheWelcomeSaysFirstMessage()
    {
        // Arrange: no cookie (the cookie would authenticate the handshake before the first message is read).
        var page = await fixture.NewPageAsync();
        await SamplePage.RecordSocketsAsync(page);
        await SamplePage.OpenAndLogInAsync(page, "alice");
        await SamplePage.LogOutKeepingTheTokenAsync(page);
        var mark = Mark();

        // Act
        await page.ClickAsync("#connect-first-message");

        // Assert: the page opened only on the acknowledgement, then got the welcome ...
        await Expect(page.GetByTestId("status-first-message")).ToContainTextAsync("The server says you are alice, authenticated by first-message.");
        var log = await page.GetByTestId("log").TextContentAsync() ?? string.Empty;
        Assert.True(
            log.IndexOf("first-message: authenticated by the first message", StringComparison.Ordinal) < log.IndexOf("\"type\":\"welcome\"", StringComparison.Ordinal),
            log);

        // ... Chrome did receive the acknowledgement (with the session's end), which the client kept from the page ...
        var socket = Assert.Single(await SamplePage.SocketsAsync(page));
        Assert.Empty(socket.Offered);
        using var ack = JsonDocument.Parse(socket.Received[0]);
        Assert.Equal("wsauth.authenticated", ack.RootElement.GetProperty("type").GetString());
        Assert.True(ack.RootElement.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow);
        Assert.Contains("\"type\":\"welcome\"", socket.Received[1], StringComparison.Ordinal);
        Assert.DoesNotContain("\"type\":\"wsauth.", log, StringComparison.Ordinal);

        // ... and it echoes.
        await SamplePage.SendAndExpectEchoAsync(page, "first-message", "hello after the first message");
        AssertAuthenticatedBy(mark, "first-message");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task FirstMessage_WhileLoggedIn_IsAuthenticatedByTheFirstMessage_NotByTheCookie()
    {
        // Arrange: logged in, so the page holds the login cookie too.
        var page = await fixture.NewPageAsync();
        await SamplePage.OpenAndLogInAsync(page, "alice");
        Assert.Contains(await page.Context.CookiesAsync(), c => c.Name == "wsauth-sample");
        var mark = Mark();

        // Act
        await page.ClickAsync("#connect-first-message");

        // Assert: the card's socket carried the cookie, yet the first message authenticated it (the route allows only
        // that method), and it echoes.
        await Expect(page.GetByTestId("status-first-message")).ToContainTextAsync("The server says you are alice, authenticated by first-message.");
        await SamplePage.SendAndExpectEchoAsync(page, "first-message", "hello while logged in");
        var handshake = AssertAuthenticatedBy(mark, "first-message");
        Assert.Contains("wsauth-sample", handshake.CookieNames);

        // ... while the cookie card, on the same page, still authenticates with the cookie.
        mark = Mark();
        await page.ClickAsync("#connect-cookie");
        await Expect(page.GetByTestId("status-cookie")).ToContainTextAsync("The server says you are alice, authenticated by cookie.");
        Assert.Contains("wsauth-sample", AssertAuthenticatedBy(mark, "cookie").CookieNames);
        await page.Context.CloseAsync();
    }

    private (int Handshakes, int TicketRequests, int Logs) Mark()
        => (fixture.Sample.Handshakes.Count, fixture.Sample.TicketRequests.Count, fixture.Sample.Logs.GetSnapshot().Count);

    /// <summary>One handshake since <paramref name="mark"/>: upgraded (101), and WsAuth logged that <paramref name="method"/> decided.</summary>
    private RequestRecord AssertAuthenticatedBy((int Handshakes, int TicketRequests, int Logs) mark, string method)
    {
        var handshake = Assert.Single(fixture.Sample.Handshakes.Skip(mark.Handshakes));
        Assert.Equal((BrowserFixture.SampleOrigin, 101), (handshake.Origin, handshake.Status));
        var authenticated = Assert.Single(fixture.Sample.Logs.GetSnapshot().Skip(mark.Logs), e => e.Id.Name == "HandshakeAuthenticated");
        Assert.Contains($"Method={method}", authenticated.StateValues);
        return handshake;
    }
}
