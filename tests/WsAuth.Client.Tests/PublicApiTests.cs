namespace WsAuth.Client;

/// <summary>Only the client namespace is public; the members are tracked by PublicApiAnalyzers (src/WsAuth.Client/PublicAPI.*.txt).</summary>
public class PublicApiTests
{
    [Fact]
    public void PublicApi_HasNoInternalsNamespace()
        => Assert.DoesNotContain(typeof(SubprotocolTokenFormat).Assembly.GetExportedTypes(), t => t.Namespace != "WsAuth.Client");
}
