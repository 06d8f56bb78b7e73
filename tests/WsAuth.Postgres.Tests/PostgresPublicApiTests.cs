namespace WsAuth.Postgres.Tests;

/// <summary>
/// The public surface of WsAuth.Postgres is the options and one builder extension per feature; everything else is
/// internal. The members themselves are tracked by PublicApiAnalyzers (src/WsAuth.Postgres/PublicAPI.*.txt).
/// </summary>
public class PostgresPublicApiTests
{
    [Fact]
    public void OnlyTheOptionsAndTheBuilderExtensions_ArePublic()
        => Assert.Equal(
            [
                "Microsoft.Extensions.DependencyInjection.WebSocketAuthBuilderPostgresExtensions",
                "Microsoft.Extensions.DependencyInjection.WebSocketAuthBuilderPostgresRevocationExtensions",
                "WsAuth.PostgresRevocationOptions",
                "WsAuth.PostgresTicketStoreOptions",
            ],
            typeof(PostgresTicketStoreOptions).Assembly.GetExportedTypes().Select(t => t.FullName!).Order(StringComparer.Ordinal));

    [Fact]
    public void EveryType_FollowsTheNamespaceRule()
    {
        var violations = WsAuth.Testing.NamespaceRule.Violations(typeof(PostgresTicketStoreOptions).Assembly, "WsAuth.Postgres");
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }
}
