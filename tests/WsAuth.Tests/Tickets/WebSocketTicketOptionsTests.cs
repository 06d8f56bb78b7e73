using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WsAuth.Internal;

namespace WsAuth.Tests.Tickets;

public class WebSocketTicketOptionsTests
{
    private static WebSocketTicketOptions Resolve(Dictionary<string, string?>? configuration = null, Action<WebSocketTicketOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration ?? []).Build());
        services.AddWebSocketAuth(o => o.AllowedOrigins.Add("https://app.example.com")).AddTickets(configure);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<WebSocketTicketOptions>>().Value;
    }

    [Fact]
    public void Defaults_AreShortLivedQueryTicketsBoundToTheOrigin()
    {
        var options = new WebSocketTicketOptions();
        Assert.Equal(TimeSpan.FromSeconds(30), options.Lifetime);
        Assert.Equal(TimeSpan.FromMinutes(5), WebSocketTicketOptions.MaxLifetime);
        Assert.Equal("ticket", options.QueryParameter);
        Assert.Null(options.SubprotocolPrefix);
        Assert.True(options.BindToOrigin);
        Assert.False(options.BindToClientIp);
        Assert.Equal(100_000, options.MemoryStoreCapacity);
        Assert.Equal(60, options.IssuePermitsPerUser);
        Assert.Equal(300, options.IssuePermitsPerClient);
        Assert.Equal(TimeSpan.FromMinutes(1), options.IssueWindow);
        Assert.Null(options.PrincipalSerializer);
    }

    [Fact]
    public void Configuration_BindsEveryKey_ThenCodeRuns()
    {
        var options = Resolve(
            new()
            {
                ["WsAuth:Tickets:Lifetime"] = "00:00:10",
                ["WsAuth:Tickets:QueryParameter"] = "t",
                ["WsAuth:Tickets:SubprotocolPrefix"] = "wsauth.ticket.",
                ["WsAuth:Tickets:BindToOrigin"] = "false",
                ["WsAuth:Tickets:BindToClientIp"] = "true",
                ["WsAuth:Tickets:MemoryStoreCapacity"] = "5",
                ["WsAuth:Tickets:IssuePermitsPerUser"] = "10",
                ["WsAuth:Tickets:IssuePermitsPerClient"] = "0",
                ["WsAuth:Tickets:IssueWindow"] = "00:00:30",
            },
            o => o.MemoryStoreCapacity = 7);

        Assert.Equal(TimeSpan.FromSeconds(10), options.Lifetime);
        Assert.Equal("t", options.QueryParameter);
        Assert.Equal("wsauth.ticket.", options.SubprotocolPrefix);
        Assert.False(options.BindToOrigin);
        Assert.True(options.BindToClientIp);
        Assert.Equal(7, options.MemoryStoreCapacity);
        Assert.Equal(10, options.IssuePermitsPerUser);
        Assert.Equal(0, options.IssuePermitsPerClient);
        Assert.Equal(TimeSpan.FromSeconds(30), options.IssueWindow);
    }

    [Theory]
    [InlineData("WsAuth:Tickets:Lifetime", "soon")]
    [InlineData("WsAuth:Tickets:BindToOrigin", "maybe")]
    [InlineData("WsAuth:Tickets:MemoryStoreCapacity", "-1")]
    [InlineData("WsAuth:Tickets:IssuePermitsPerUser", "-1")]
    [InlineData("WsAuth:Tickets:IssuePermitsPerClient", "-1")]
    [InlineData("WsAuth:Tickets:IssueWindow", "00:00:00")]
    public void Configuration_InvalidValue_FailsNamingTheKey(string key, string value)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new() { [key] = value }));
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:05:01")]
    [InlineData("01:00:00")]
    [InlineData("30")] // TimeSpan reads "30" as 30 days: refused, not silently accepted
    public void LifetimeAboveTheCap_FailsNamingTheFix(string lifetime)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["WsAuth:Tickets:Lifetime"] = lifetime }));
        Assert.Contains("longer than the maximum 00:05:00", ex.Message, StringComparison.Ordinal);
        Assert.Contains("WsAuth:Tickets:Lifetime", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(999, false)]
    [InlineData(1000, true)]
    [InlineData(300_000, true)]
    [InlineData(300_001, false)]
    public void LifetimeRange_DocumentsWhatStartupEnforces(int milliseconds, bool valid)
    {
        // Arrange
        var options = new WebSocketTicketOptions { Lifetime = TimeSpan.FromMilliseconds(milliseconds) };

        // Act: the [Range] attribute (read by tools) and the startup validator (what runs)
        var byAttribute = Validator.TryValidateProperty(options.Lifetime, new ValidationContext(options) { MemberName = nameof(WebSocketTicketOptions.Lifetime) }, null);
        var atStartup = new WebSocketTicketOptionsValidator().Validate(null, options).Succeeded;

        // Assert
        Assert.Equal(valid, byAttribute);
        Assert.Equal(valid, atStartup);
    }

    [Fact]
    public void LifetimeAtTheCap_IsAccepted()
        => Assert.Equal(WebSocketTicketOptions.MaxLifetime, Resolve(configure: o => o.Lifetime = WebSocketTicketOptions.MaxLifetime).Lifetime);

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(999)]
    public void LifetimeUnderOneSecond_Fails(int milliseconds)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(configure: o => o.Lifetime = TimeSpan.FromMilliseconds(milliseconds)));
        Assert.Contains("shorter than one second", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("tic ket")]
    [InlineData("ticket&x")]
    public void InvalidQueryParameter_Fails(string name)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(configure: o => o.QueryParameter = name));
        Assert.Contains("QueryParameter", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidSubprotocolPrefixAndCapacity_AreAllReported()
    {
        var result = new WebSocketTicketOptionsValidator().Validate(null, new WebSocketTicketOptions { SubprotocolPrefix = "bad prefix", MemoryStoreCapacity = 0 });
        Assert.True(result.Failed);
        Assert.Equal(2, result.Failures!.Count());
    }
}
