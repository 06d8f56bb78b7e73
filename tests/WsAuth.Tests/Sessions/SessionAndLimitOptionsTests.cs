using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WsAuth.Tests.Sessions;

public class SessionAndLimitOptionsTests
{
    private static WebSocketAuthOptions Resolve(Dictionary<string, string?> configuration, Action<IServiceCollection>? services = null, Action<WebSocketAuthOptions>? configure = null)
    {
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
        collection.AddWebSocketAuth(o =>
        {
            o.AllowedOrigins.Add("https://app.example.com");
            configure?.Invoke(o);
        }).AddCookie();
        services?.Invoke(collection);
        using var provider = collection.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<WebSocketAuthOptions>>().Value;
    }

    [Fact]
    public void Defaults()
    {
        var options = new WebSocketAuthOptions();
        Assert.Equal(WebSocketRejectionMode.HttpStatus, options.RejectionMode);
        Assert.False(options.CloseWithPolicyViolation);

        Assert.True(options.Sessions.CloseOnExpiry);
        Assert.Null(options.Sessions.MaxSessionLength);
        Assert.Null(options.Sessions.AllowRefresh);
        Assert.Null(options.Sessions.ExpiryWarning);
        Assert.Equal(16 * 1024, options.Sessions.MaxRefreshMessageSize);
        Assert.Equal(6, options.Sessions.MaxRefreshesPerMinute);

        Assert.True(options.RateLimiting.Enabled);
        Assert.Equal(300, options.RateLimiting.PermitsPerClient);
        Assert.Equal(60, options.RateLimiting.PermitsPerUser);
        Assert.Equal(TimeSpan.FromMinutes(1), options.RateLimiting.Window);
        Assert.Equal(30, options.RateLimiting.LockoutThreshold);
        Assert.Equal(TimeSpan.FromMinutes(1), options.RateLimiting.LockoutWindow);
        Assert.Equal(TimeSpan.FromMinutes(5), options.RateLimiting.LockoutDuration);
        Assert.Equal(64, options.RateLimiting.ClientIPv6PrefixLength);
    }

    [Fact]
    public void Configuration_BindsEveryKey()
    {
        var options = Resolve(new()
        {
            ["WsAuth:RejectionMode"] = "CloseAfterUpgrade",
            ["WsAuth:CloseWithPolicyViolation"] = "true",
            ["WsAuth:Sessions:CloseOnExpiry"] = "false",
            ["WsAuth:Sessions:MaxSessionLength"] = "08:00:00",
            ["WsAuth:Sessions:AllowRefresh"] = "false",
            ["WsAuth:Sessions:ExpiryWarning"] = "00:00:30",
            ["WsAuth:Sessions:MaxRefreshMessageSize"] = "8192",
            ["WsAuth:Sessions:MaxRefreshesPerMinute"] = "12",
            ["WsAuth:RateLimiting:Enabled"] = "false",
            ["WsAuth:RateLimiting:PermitsPerClient"] = "10",
            ["WsAuth:RateLimiting:PermitsPerUser"] = "11",
            ["WsAuth:RateLimiting:Window"] = "00:02:00",
            ["WsAuth:RateLimiting:LockoutThreshold"] = "12",
            ["WsAuth:RateLimiting:LockoutWindow"] = "00:03:00",
            ["WsAuth:RateLimiting:LockoutDuration"] = "00:04:00",
            ["WsAuth:RateLimiting:ClientIPv6PrefixLength"] = "56",
        });

        Assert.Equal(WebSocketRejectionMode.CloseAfterUpgrade, options.RejectionMode);
        Assert.True(options.CloseWithPolicyViolation);
        Assert.False(options.Sessions.CloseOnExpiry);
        Assert.Equal(TimeSpan.FromHours(8), options.Sessions.MaxSessionLength);
        Assert.False(options.Sessions.AllowRefresh);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Sessions.ExpiryWarning);
        Assert.Equal(8192, options.Sessions.MaxRefreshMessageSize);
        Assert.Equal(12, options.Sessions.MaxRefreshesPerMinute);
        Assert.False(options.RateLimiting.Enabled);
        Assert.Equal(10, options.RateLimiting.PermitsPerClient);
        Assert.Equal(11, options.RateLimiting.PermitsPerUser);
        Assert.Equal(TimeSpan.FromMinutes(2), options.RateLimiting.Window);
        Assert.Equal(12, options.RateLimiting.LockoutThreshold);
        Assert.Equal(TimeSpan.FromMinutes(3), options.RateLimiting.LockoutWindow);
        Assert.Equal(TimeSpan.FromMinutes(4), options.RateLimiting.LockoutDuration);
        Assert.Equal(56, options.RateLimiting.ClientIPv6PrefixLength);
    }

    [Theory]
    [InlineData("WsAuth:RejectionMode", "Close")]
    [InlineData("WsAuth:RejectionMode", "1")]
    [InlineData("WsAuth:Sessions:MaxSessionLength", "00:00:00")]
    [InlineData("WsAuth:Sessions:ExpiryWarning", "-00:00:05")]
    [InlineData("WsAuth:Sessions:MaxRefreshMessageSize", "10")]
    [InlineData("WsAuth:Sessions:MaxRefreshesPerMinute", "0")]
    [InlineData("WsAuth:Sessions:CloseOnExpiry", "maybe")]
    [InlineData("WsAuth:RateLimiting:LockoutDuration", "00:00:00")]
    [InlineData("WsAuth:RateLimiting:PermitsPerUser", "-5")]
    public void InvalidValue_FailsNamingTheSetting(string key, string value)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new() { [key] = value }));
        var name = key.Split(':')[^1];
        Assert.Contains(name, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AllowRefreshTrue_WithoutATokenValidator_FailsNamingTheFix()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve([], configure: o => o.Sessions.AllowRefresh = true));
        Assert.Contains("AllowRefresh", ex.Message, StringComparison.Ordinal);
        Assert.Contains("IWebSocketTokenValidator", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AllowRefreshTrue_WithATokenValidator_IsValid()
    {
        var options = Resolve([], s => s.AddSingleton<IWebSocketTokenValidator, NoValidator>(), o => o.Sessions.AllowRefresh = true);
        Assert.True(options.Sessions.AllowRefresh);
    }

    [Fact]
    public void ParserWithAnEmptyRefreshPrefix_FailsWhenRefreshIsOn()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve([], s =>
        {
            s.AddSingleton<IWebSocketTokenValidator, NoValidator>();
            s.AddSingleton<IWebSocketAuthMessageParser, EmptyPrefixParser>();
        }));
        Assert.Contains("RefreshPrefix", ex.Message, StringComparison.Ordinal);
    }

    private sealed class NoValidator : IWebSocketTokenValidator
    {
        public ValueTask<WebSocketAuthenticateResult> ValidateAsync(string token, HttpContext context, CancellationToken cancellationToken)
            => ValueTask.FromResult(WebSocketAuthenticateResult.Fail(WebSocketAuthFailureReasons.InvalidCredentials));
    }

    private sealed class EmptyPrefixParser : IWebSocketAuthMessageParser
    {
        public ReadOnlyMemory<byte> RefreshPrefix => ReadOnlyMemory<byte>.Empty;

        public bool TryReadAuthMessage(ReadOnlySpan<byte> utf8Message, out string? token) => (token = null) is not null;

        public bool TryReadRefreshMessage(ReadOnlySpan<byte> utf8Message, out string? token) => (token = null) is not null;
    }
}
