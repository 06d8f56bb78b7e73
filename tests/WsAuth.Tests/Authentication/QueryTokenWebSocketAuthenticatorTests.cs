using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using WsAuth.Internal;
using WsAuth.Testing;

namespace WsAuth.Tests.Authentication;

public class QueryTokenWebSocketAuthenticatorTests
{
    private readonly FakeTokenValidator _validator = new();

    private async Task<WebSocketAuthenticateResult> RunAsync(string query, string parameter = "access_token")
    {
        var authenticator = new QueryTokenWebSocketAuthenticator(_validator, Options.Create(new WebSocketQueryTokenOptions { ParameterName = parameter }), NullLoggerFactory.Instance);
        var context = FakeTokenValidator.Handshake(r => r.QueryString = new QueryString(query));
        return await authenticator.AuthenticateAsync(context, CancellationToken.None);
    }

    [Fact]
    public async Task Token_IsValidated_UrlDecoded()
    {
        Assert.True((await RunAsync("?access_token=good%2Da")).Succeeded);
        Assert.Equal(["good-a"], _validator.Seen);
    }

    [Fact]
    public async Task ConfiguredParameter_IsUsed()
    {
        Assert.True((await RunAsync("?token=good-a&access_token=bad", "token")).Succeeded);
        Assert.False((await RunAsync("?access_token=good-a", "token")) is { Succeeded: true } or { Failed: true });
    }

    [Theory]
    [InlineData("")]
    [InlineData("?other=1")]
    [InlineData("?ACCESS-TOKEN=good")]
    public async Task NoParameter_IsNoCredentials(string query)
    {
        var result = await RunAsync(query);
        Assert.False(result.Succeeded || result.Failed);
    }

    [Theory]
    [InlineData("?access_token=", WebSocketAuthFailureReasons.TokenMissing)]
    [InlineData("?access_token", WebSocketAuthFailureReasons.TokenMissing)]
    [InlineData("?access_token=good-a&access_token=good-b", WebSocketAuthFailureReasons.TokenMultiple)]
    public async Task EmptyOrRepeated_Gets400(string query, string reason)
    {
        var result = await RunAsync(query);
        Assert.Equal(reason, result.FailureReason);
        Assert.Equal(StatusCodes.Status400BadRequest, result.StatusCode);
        Assert.Empty(_validator.Seen);
    }

    [Theory]
    [InlineData(LogLevel.Information, true)]
    [InlineData(LogLevel.Trace, true)]
    [InlineData(LogLevel.Warning, false)]
    public void Construction_WarnsWhenHostingLogsUrls(LogLevel hostingLevel, bool warns)
    {
        var logs = new FakeLogCollector();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace)
            .AddFilter(QueryTokenWebSocketAuthenticator.HostingDiagnosticsCategory, hostingLevel)
            .AddProvider(new FakeLoggerProvider(logs)));

        _ = new QueryTokenWebSocketAuthenticator(_validator, Options.Create(new WebSocketQueryTokenOptions()), factory);

        Assert.Equal(warns, logs.GetSnapshot().Any(e => e.Id.Name == "QueryTokenUrlsLogged" && e.Level == LogLevel.Warning));
    }
}
