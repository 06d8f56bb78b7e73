namespace WsAuth.Redis.Tests;

/// <summary>
/// The public surface of WsAuth.Redis is the options and one builder extension class; everything else is internal. The
/// members themselves are tracked by PublicApiAnalyzers (src/WsAuth.Redis/PublicAPI.*.txt).
/// </summary>
public class RedisPublicApiTests
{
    [Fact]
    public void OnlyTheOptionsAndTheBuilderExtension_ArePublic()
        => Assert.Equal(
            [
                "Microsoft.Extensions.DependencyInjection.WebSocketAuthBuilderRedisExtensions",
                "Microsoft.Extensions.DependencyInjection.WebSocketAuthBuilderRedisRevocationExtensions",
                "WsAuth.RedisRevocationOptions",
                "WsAuth.RedisTicketStoreOptions",
            ],
            typeof(RedisTicketStoreOptions).Assembly.GetExportedTypes().Select(t => t.FullName!).Order(StringComparer.Ordinal));

    [Fact]
    public void EveryType_FollowsTheNamespaceRule()
    {
        var violations = WsAuth.Testing.NamespaceRule.Violations(typeof(RedisTicketStoreOptions).Assembly, "WsAuth.Redis");
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }
}
