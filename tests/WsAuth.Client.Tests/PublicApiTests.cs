using WsAuth.Testing;

namespace WsAuth.Client;

public class PublicApiTests
{
    [Fact]
    public void PublicApi_MatchesTheSnapshot()
        => PublicApiSnapshot.AssertMatches(
            typeof(SubprotocolTokenFormat).Assembly,
            Path.Combine(PublicApiSnapshot.RepositoryRoot(), "src", "WsAuth.Client", "PublicAPI.txt"));

    [Fact]
    public void PublicApi_HasNoInternalsNamespace()
        => Assert.DoesNotContain(typeof(SubprotocolTokenFormat).Assembly.GetExportedTypes(), t => t.Namespace != "WsAuth.Client");
}
