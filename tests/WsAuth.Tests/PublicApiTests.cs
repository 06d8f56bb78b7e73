using WsAuth.Testing;

namespace WsAuth.Tests;

/// <summary>
/// A snapshot of the public API (PublicApiAnalyzers is not available here). A change to the public surface fails this
/// test until src/WsAuth/PublicAPI.txt is updated on purpose: run the tests with WSAUTH_UPDATE_PUBLIC_API=1.
/// </summary>
public class PublicApiTests
{
    [Fact]
    public void PublicApi_MatchesTheSnapshot()
        => PublicApiSnapshot.AssertMatches(
            typeof(WebSocketAuthOptions).Assembly,
            Path.Combine(PublicApiSnapshot.RepositoryRoot(), "src", "WsAuth", "PublicAPI.txt"));

    [Fact]
    public void Implementations_AreNotPublic()
    {
        var assembly = typeof(WebSocketAuthOptions).Assembly;
        Assert.DoesNotContain(assembly.GetExportedTypes(), t => t.Name.EndsWith("Middleware", StringComparison.Ordinal));
        Assert.DoesNotContain(assembly.GetExportedTypes(), t => t.Namespace?.EndsWith(".Internal", StringComparison.Ordinal) == true);
    }
}
