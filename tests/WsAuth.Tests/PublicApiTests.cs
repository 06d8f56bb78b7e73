namespace WsAuth.Tests;

/// <summary>
/// Implementations stay internal. The public members themselves are tracked by PublicApiAnalyzers in the build
/// (src/WsAuth/PublicAPI.Shipped.txt and PublicAPI.Unshipped.txt: RS0016/RS0017 are errors).
/// </summary>
public class PublicApiTests
{
    [Fact]
    public void Implementations_AreNotPublic()
    {
        var assembly = typeof(WebSocketAuthOptions).Assembly;
        Assert.DoesNotContain(assembly.GetExportedTypes(), t => t.Name.EndsWith("Middleware", StringComparison.Ordinal));
        Assert.DoesNotContain(assembly.GetExportedTypes(), t => t.Namespace?.EndsWith(".Internal", StringComparison.Ordinal) == true);
    }
}
