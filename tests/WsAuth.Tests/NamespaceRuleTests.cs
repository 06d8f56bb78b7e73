using WsAuth.Testing;

namespace WsAuth.Tests;

/// <summary>One namespace rule for the whole package (CONTRIBUTING.md): public types in WsAuth, internal ones in WsAuth.Internal.</summary>
public sealed class NamespaceRuleTests
{
    [Fact]
    public void EveryType_FollowsTheNamespaceRule()
    {
        var violations = NamespaceRule.Violations(typeof(WebSocketAuthOptions).Assembly);
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }
}
