using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using WsAuth;

namespace WsAuth.Sample;

/// <summary>
/// <c>POST /auth/logout-everywhere</c>: revokes the caller (by the login cookie or a bearer token) on every instance
/// that shares the revocation backplane: their sockets close with 4401 <c>revoked</c>, and their earlier tokens, cookies
/// and tickets get 401 <c>revoked</c>. Origin-checked like the ticket endpoint: a cookie needs an allowed, present
/// Origin; any present Origin must be allowed.
/// </summary>
internal static class SampleRevocation
{
    public static void MapLogoutEverywhere(this WebApplication app)
        => app.MapPost("/auth/logout-everywhere", async (HttpContext context, IWebSocketRevocation revocation, IOptions<WebSocketAuthOptions> options) =>
        {
            var origin = context.Request.Headers.Origin;
            var originAllowed = origin.Count == 1 && options.Value.AllowedOrigins.Any(o => string.Equals(o.TrimEnd('/'), origin[0], StringComparison.OrdinalIgnoreCase));
            if (origin.Count > 0 && !originAllowed)
            {
                return Results.Text(WebSocketAuthFailureReasons.OriginNotAllowed, statusCode: StatusCodes.Status403Forbidden);
            }

            var (user, issuedAt, byCookie) = await AuthenticateAsync(context);
            if (user is null)
            {
                return Results.Text(WebSocketAuthFailureReasons.NoCredentials, statusCode: StatusCodes.Status401Unauthorized);
            }

            if (byCookie && !originAllowed)
            {
                // A cookie rides along on any request the browser makes: only a listed Origin says this one is ours.
                return Results.Text(WebSocketAuthFailureReasons.OriginRequired, statusCode: StatusCodes.Status403Forbidden);
            }

            if (revocation.IsRevoked(user, issuedAt))
            {
                // A revoked credential may not revoke the user's newer sessions.
                return Results.Text(WebSocketAuthFailureReasons.Revoked, statusCode: StatusCodes.Status401Unauthorized);
            }

            await revocation.RevokeAsync(user, reason: "logout_everywhere", cancellationToken: context.RequestAborted);
            if (byCookie)
            {
                await context.SignOutAsync();
            }

            return Results.Ok(new { revoked = true });
        });

    /// <summary>
    /// Whether the request is a WebSocket handshake, from its headers: <c>HttpContext.WebSockets.IsWebSocketRequest</c> is
    /// still false while <c>UseAuthentication()</c> runs, before the WebSocket middleware.
    /// </summary>
    public static bool IsWebSocketHandshake(HttpContext context)
        => string.Equals(context.Request.Headers.Upgrade.ToString(), "websocket", StringComparison.OrdinalIgnoreCase)
            || context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpExtendedConnectFeature>()?.IsExtendedConnect == true;

    private static async Task<(System.Security.Claims.ClaimsPrincipal? User, DateTimeOffset? IssuedAt, bool ByCookie)> AuthenticateAsync(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var validator = context.RequestServices.GetRequiredService<IWebSocketTokenValidator>();
            var result = await validator.ValidateAsync(authorization["Bearer ".Length..].Trim(), context, context.RequestAborted);
            return result.Succeeded ? (result.Principal, result.IssuedAt, false) : (null, null, false);
        }

        var cookie = await context.AuthenticateAsync();
        return cookie.Succeeded ? (cookie.Principal, cookie.Properties?.IssuedUtc, true) : (null, null, false);
    }
}
