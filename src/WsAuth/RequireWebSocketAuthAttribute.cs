namespace WsAuth;

/// <summary>
/// Endpoint metadata: WebSocket handshakes to this endpoint must be authenticated by WsAuth (the default for every
/// handshake) and, optionally, satisfy ASP.NET Core authorization policies; a failed policy gets 403 before the upgrade.
/// </summary>
/// <param name="policies">Names of authorization policies the authenticated user must satisfy, all of them.</param>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class RequireWebSocketAuthAttribute(params string[] policies) : Attribute
{
    /// <summary>The authorization policies to evaluate after authentication, all of which must succeed.</summary>
    public IReadOnlyList<string> Policies { get; } = policies ?? [];
}
