using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WsAuth.Tests.Internal;

public class WebSocketAuthConfigureOptionsTests
{
    private static WebSocketAuthOptions Bind(Dictionary<string, string?> values, Action<WebSocketAuthOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.AddWebSocketAuth(configure ?? (_ => { })).AddCookie();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<WebSocketAuthOptions>>().Value;
    }

    [Fact]
    public void Configuration_BindsEveryScalarAndTheOriginList()
    {
        var options = Bind(new()
        {
            ["WsAuth:AllowedOrigins:0"] = "https://a.example.com",
            ["WsAuth:AllowedOrigins:1"] = "https://*.example.org",
            ["WsAuth:AllowNullOrigin"] = "true",
            ["WsAuth:MissingOrigin"] = "Reject",
            ["WsAuth:RequireSecureTransport"] = "false",
        });

        Assert.Equal(["https://a.example.com", "https://*.example.org"], options.AllowedOrigins);
        Assert.True(options.AllowNullOrigin);
        Assert.Equal(MissingOriginPolicy.Reject, options.MissingOrigin);
        Assert.False(options.RequireSecureTransport);
    }

    [Fact]
    public void Code_RunsAfterConfiguration()
    {
        var options = Bind(
            new() { ["WsAuth:AllowedOrigins:0"] = "https://config.example.com", ["WsAuth:RequireSecureTransport"] = "false" },
            o => { o.AllowedOrigins.Add("https://code.example.com"); o.RequireSecureTransport = true; });
        Assert.Equal(["https://config.example.com", "https://code.example.com"], options.AllowedOrigins);
        Assert.True(options.RequireSecureTransport);
    }

    [Theory]
    [InlineData("WsAuth:AllowAnyOrigin", "yes")]
    [InlineData("WsAuth:MissingOrigin", "Sometimes")]
    [InlineData("WsAuth:MissingOrigin", "7")]
    public void Configuration_InvalidValue_FailsNamingTheKey(string key, string value)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["WsAuth:AllowedOrigins:0"] = "https://a.example.com", [key] = value }));
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
    }
}
