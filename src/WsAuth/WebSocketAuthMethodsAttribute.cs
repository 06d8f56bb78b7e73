namespace WsAuth;

/// <summary>
/// Endpoint metadata: only these WsAuth methods may authenticate handshakes to the endpoint (names as in
/// <see cref="WebSocketAuthDefaults"/>, e.g. <see cref="WebSocketAuthDefaults.TicketMethod"/>, or a custom
/// authenticator's method name). The other registered authenticators are not asked, so a credential they would accept
/// (a login cookie the browser sends with every request, say) neither authenticates nor refuses the handshake; the
/// first-message method applies only if it is listed. Without this metadata every registered method applies. A
/// restriction can only refuse more: a name no authenticator registers matches nothing.
/// </summary>
/// <param name="methods">The method names allowed on the endpoint.</param>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class WebSocketAuthMethodsAttribute(params string[] methods) : Attribute
{
    /// <summary>The method names allowed on the endpoint.</summary>
    public IReadOnlyList<string> Methods { get; } = methods ?? [];

    internal bool Allows(string method)
    {
        foreach (var allowed in Methods)
        {
            if (string.Equals(allowed, method, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
