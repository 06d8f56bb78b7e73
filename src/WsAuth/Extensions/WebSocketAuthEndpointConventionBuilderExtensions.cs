using WsAuth;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Endpoint conventions for WsAuth.</summary>
public static class WebSocketAuthEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Requires WebSocket handshakes to the endpoint to be authenticated by WsAuth (already the default) and to satisfy
    /// the given authorization policies; a failed policy gets 403 before the upgrade.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint convention builder.</typeparam>
    /// <param name="builder">The endpoint.</param>
    /// <param name="policyNames">Authorization policies that must all succeed. Requires <c>services.AddAuthorization()</c>.</param>
    /// <returns>The builder.</returns>
    public static TBuilder RequireWebSocketAuth<TBuilder>(this TBuilder builder, params string[] policyNames)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(policyNames);
        foreach (var name in policyNames)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name, nameof(policyNames));
        }

        var metadata = new RequireWebSocketAuthAttribute(policyNames);
        builder.Add(endpoint => endpoint.Metadata.Add(metadata));
        return builder;
    }

    /// <summary>
    /// Turns WsAuth off for WebSocket handshakes to the endpoint: no Origin check, no authentication. Wins over
    /// <see cref="RequireWebSocketAuth{TBuilder}"/>. Use only for public sockets.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint convention builder.</typeparam>
    /// <param name="builder">The endpoint.</param>
    /// <returns>The builder.</returns>
    public static TBuilder DisableWebSocketAuth<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(static endpoint => endpoint.Metadata.Add(DisableWebSocketAuthAttribute.Instance));
        return builder;
    }

    /// <summary>
    /// Declares the subprotocols the endpoint speaks, in order of preference. When WsAuth accepts the socket itself (the
    /// first-message method, or <see cref="WebSocketRejectionMode.CloseAfterUpgrade"/>) it answers the first of these
    /// that the client offered; without a declaration it answers only an authenticator's fallback protocol. Browsers fail
    /// a handshake that offered subprotocols and got none back.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint convention builder.</typeparam>
    /// <param name="builder">The endpoint.</param>
    /// <param name="protocols">The subprotocols, in order of preference.</param>
    /// <returns>The builder.</returns>
    public static TBuilder WithWebSocketSubprotocols<TBuilder>(this TBuilder builder, params string[] protocols)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(protocols);
        foreach (var protocol in protocols)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(protocol, nameof(protocols));
        }

        var metadata = new WebSocketSubprotocolsAttribute([.. protocols]);
        builder.Add(endpoint => endpoint.Metadata.Add(metadata));
        return builder;
    }

    /// <summary>
    /// Limits which WsAuth methods may authenticate handshakes to the endpoint (see
    /// <see cref="WebSocketAuthMethodsAttribute"/>): for example a route where only the first message decides, though the
    /// browser also sends the app's login cookie, or a hub that takes tickets only. Restricting never opens anything: the
    /// Origin check, limits and policies apply as before.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint convention builder.</typeparam>
    /// <param name="builder">The endpoint.</param>
    /// <param name="methods">The method names allowed, at least one (<see cref="WebSocketAuthDefaults.TicketMethod"/>...).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">No method, or an empty name.</exception>
    public static TBuilder WithWebSocketAuthMethods<TBuilder>(this TBuilder builder, params string[] methods)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(methods);
        if (methods.Length == 0)
        {
            throw new ArgumentException("Name at least one WsAuth method (WebSocketAuthDefaults.TicketMethod, ...).", nameof(methods));
        }

        foreach (var method in methods)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(method, nameof(methods));
        }

        var metadata = new WebSocketAuthMethodsAttribute([.. methods]);
        builder.Add(endpoint => endpoint.Metadata.Add(metadata));
        return builder;
    }

    /// <summary>
    /// Lets the endpoint, typically a SignalR hub, take WsAuth tickets where SignalR clients put the result of their
    /// <c>accessTokenFactory</c>/<c>AccessTokenProvider</c>: the <c>access_token</c> query parameter (browser client) and
    /// the <c>Authorization: Bearer</c> header (.NET and Node clients). See <see cref="WebSocketTicketsAsAccessTokenAttribute"/>
    /// and docs/signalr.md: <c>app.MapHub&lt;ChatHub&gt;("/hubs/chat", o =&gt; o.Transports = HttpTransportType.WebSockets)
    /// .RequireAuthorization().WithWebSocketTicketsAsAccessToken()</c>. Only tickets are taken from there; a JWT in the URL
    /// still needs the query method. Requires <c>AddTickets()</c>.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint convention builder.</typeparam>
    /// <param name="builder">The endpoint.</param>
    /// <returns>The builder.</returns>
    public static TBuilder WithWebSocketTicketsAsAccessToken<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(static endpoint => endpoint.Metadata.Add(WebSocketTicketsAsAccessTokenAttribute.Instance));
        return builder;
    }
}
