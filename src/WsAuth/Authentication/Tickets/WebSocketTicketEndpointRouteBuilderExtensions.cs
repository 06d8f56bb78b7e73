using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using WsAuth.Internal;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the endpoint that issues WebSocket tickets.</summary>
public static class WebSocketTicketEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps a POST endpoint that gives the signed-in user a single-use ticket: <c>{"ticket":"...","expiresIn":30}</c>
    /// with <c>Cache-Control: no-store</c>. The client then opens <c>wss://host/ws?ticket=...</c> within the lifetime.
    /// </summary>
    /// <param name="endpoints">The route builder (the app).</param>
    /// <param name="pattern">The route, such as <c>/ws/ticket</c>.</param>
    /// <returns>The endpoint, to add <c>.RequireAuthorization(policy)</c>, <c>.RequireRateLimiting(policy)</c> and other conventions.</returns>
    /// <remarks>
    /// <para>The endpoint requires an authenticated user: it carries <c>RequireAuthorization()</c> (the default policy), so
    /// the app needs <c>AddAuthorization()</c>. Add your own policies with <c>.RequireAuthorization(...)</c>; to accept another
    /// scheme than the default one (a bearer token), name it in a policy.</para>
    /// <para>Its requests get the same Origin rules as handshakes: a request from an origin that is not allowed gets 403,
    /// so a cross-site page cannot obtain a ticket with the user's cookie. It sends no CORS headers. With cookie
    /// authentication, also consider antiforgery (docs/tickets.md).</para>
    /// </remarks>
    /// <exception cref="InvalidOperationException"><c>AddTickets()</c> was not called on the WsAuth builder.</exception>
    public static IEndpointConventionBuilder MapWebSocketTickets(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern)
        => Map(endpoints, pattern, null);

    /// <summary>
    /// Maps the ticket endpoint like <see cref="MapWebSocketTickets(IEndpointRouteBuilder, string)"/>, for tickets that open
    /// only the WebSocket at <paramref name="webSocketPath"/>.
    /// </summary>
    /// <param name="endpoints">The route builder (the app).</param>
    /// <param name="pattern">The route, such as <c>/chat/ticket</c>.</param>
    /// <param name="webSocketPath">
    /// The app-relative path the tickets are bound to, such as <c>/chat/ws</c>: a handshake to any other path gets 401
    /// <c>ticket_path_mismatch</c> (compared without case and trailing slash, as routing does).
    /// </param>
    /// <returns>The endpoint, to add <c>.RequireAuthorization(policy)</c>, <c>.RequireRateLimiting(policy)</c> and other conventions.</returns>
    /// <exception cref="InvalidOperationException"><c>AddTickets()</c> was not called on the WsAuth builder.</exception>
    /// <exception cref="ArgumentException"><paramref name="webSocketPath"/> does not start with <c>/</c>.</exception>
    public static IEndpointConventionBuilder MapWebSocketTickets(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern, string webSocketPath)
    {
        ArgumentNullException.ThrowIfNull(webSocketPath);
        if (!webSocketPath.StartsWith('/') || webSocketPath.Contains('?', StringComparison.Ordinal) || webSocketPath.Contains('#', StringComparison.Ordinal))
        {
            throw new ArgumentException("The WebSocket path must be an app-relative path such as \"/ws\", without query or fragment.", nameof(webSocketPath));
        }

        return Map(endpoints, pattern, TicketRequestValues.NormalizePath(webSocketPath));
    }

    private static IEndpointConventionBuilder Map(IEndpointRouteBuilder endpoints, string pattern, string? webSocketPath)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        // Containers without IServiceProviderIsService get the same message from the first request instead.
        if (endpoints.ServiceProvider.GetService<IServiceProviderIsService>() is { } isService && !isService.IsService(typeof(WebSocketTicketIssuer)))
        {
            throw new InvalidOperationException(
                "WebSocket tickets are not registered. Call builder.Services.AddWebSocketAuth(...).AddTickets() before app.MapWebSocketTickets(...).");
        }

        return endpoints.MapPost(pattern, context => context.RequestServices.GetRequiredService<WebSocketTicketIssuer>().IssueAsync(context, webSocketPath))
            .WithDisplayName("WsAuth ticket endpoint " + pattern)
            .RequireAuthorization();
    }
}
