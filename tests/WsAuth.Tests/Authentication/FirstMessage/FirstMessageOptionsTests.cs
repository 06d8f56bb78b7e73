using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WsAuth.Tests.Authentication.FirstMessage;

public class FirstMessageOptionsTests
{
    private static WebSocketFirstMessageOptions Resolve(Dictionary<string, string?> configuration, Action<WebSocketFirstMessageOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
        services.AddWebSocketAuth(o => o.AllowedOrigins.Add("https://app.example.com")).AddFirstMessage(configure);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<WebSocketFirstMessageOptions>>().Value;
    }

    [Fact]
    public void Defaults()
    {
        var options = new WebSocketFirstMessageOptions();
        Assert.Equal(TimeSpan.FromSeconds(5), options.Deadline);
        Assert.Equal(16 * 1024, options.MaxMessageSize);
        Assert.Equal(1000, options.MaxPendingSockets);
        Assert.Equal(20, options.MaxPendingSocketsPerClient);
        Assert.Equal(100, options.MaxPendingSocketsPerNetwork);
        Assert.True(options.SendAcknowledgement);
    }

    [Fact]
    public void Configuration_BindsEveryKey_ThenCodeRuns()
    {
        var options = Resolve(
            new()
            {
                ["WsAuth:FirstMessage:Deadline"] = "00:00:03",
                ["WsAuth:FirstMessage:MaxMessageSize"] = "4096",
                ["WsAuth:FirstMessage:MaxPendingSockets"] = "50",
                ["WsAuth:FirstMessage:MaxPendingSocketsPerClient"] = "5",
                ["WsAuth:FirstMessage:MaxPendingSocketsPerNetwork"] = "7",
                ["WsAuth:FirstMessage:SendAcknowledgement"] = "false",
            },
            o => o.MaxPendingSockets = 60);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Deadline);
        Assert.Equal(4096, options.MaxMessageSize);
        Assert.Equal(60, options.MaxPendingSockets);
        Assert.Equal(5, options.MaxPendingSocketsPerClient);
        Assert.Equal(7, options.MaxPendingSocketsPerNetwork);
        Assert.False(options.SendAcknowledgement);
    }

    [Theory]
    [InlineData("WsAuth:FirstMessage:Deadline", "00:00:00")]
    [InlineData("WsAuth:FirstMessage:Deadline", "00:06:00")]
    [InlineData("WsAuth:FirstMessage:Deadline", "-00:00:01")]
    [InlineData("WsAuth:FirstMessage:MaxMessageSize", "100")]
    [InlineData("WsAuth:FirstMessage:MaxMessageSize", "2000000")]
    [InlineData("WsAuth:FirstMessage:MaxPendingSockets", "0")]
    [InlineData("WsAuth:FirstMessage:MaxPendingSocketsPerClient", "0")]
    [InlineData("WsAuth:FirstMessage:MaxPendingSocketsPerNetwork", "0")]
    [InlineData("WsAuth:FirstMessage:SendAcknowledgement", "sometimes")]
    [InlineData("WsAuth:FirstMessage:MaxMessageSize", "lots")]
    public void InvalidValue_FailsNamingTheKey(string key, string value)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new() { [key] = value }));
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddFirstMessage_WithoutATokenValidator_FailsValidationNamingTheFix()
    {
        var services = new ServiceCollection();
        services.AddWebSocketAuth(o => o.AllowedOrigins.Add("https://app.example.com")).AddFirstMessage();
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<WebSocketAuthOptions>>().Value);
        Assert.Contains("AddSingleton<IWebSocketTokenValidator", ex.Message, StringComparison.Ordinal);
    }
}
