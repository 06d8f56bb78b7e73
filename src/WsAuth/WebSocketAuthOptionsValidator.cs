using Microsoft.Extensions.Options;

namespace WsAuth.Internal;

/// <summary>Validates <see cref="WebSocketAuthOptions"/> once, at startup, and reports every problem with its fix.</summary>
internal sealed class WebSocketAuthOptionsValidator : IValidateOptions<WebSocketAuthOptions>
{
    public ValidateOptionsResult Validate(string? name, WebSocketAuthOptions options)
    {
        var errors = new List<string>();

        if (options.AllowedOrigins.Count == 0 && !options.AllowAnyOrigin)
        {
            errors.Add("WsAuth: no allowed origins are configured, so no browser could connect. Add the origins of your web app: "
                + "services.AddWebSocketAuth(o => o.AllowedOrigins.Add(\"https://app.example.com\")), or in configuration "
                + "WsAuth:AllowedOrigins:0=https://app.example.com. For non-browser clients only, set AllowAnyOrigin = true.");
        }

        foreach (var origin in options.AllowedOrigins)
        {
            if (!OriginPolicy.TryCompileEntry(origin, out _, out _, out var error))
            {
                errors.Add("WsAuth: " + error);
            }
        }

        if (options.Authenticators.Count == 0)
        {
            errors.Add("WsAuth: no authenticator is registered, so every handshake would be rejected. Add at least one: "
                + "services.AddWebSocketAuth(...).AddCookie() (or AddTickets(), AddSubprotocolToken(), AddFirstMessage(), AddAuthenticator<T>(...)).");
        }

        var ambient = options.Authenticators.Where(a => a.UsesAmbientCredentials).Select(a => a.Method).ToList();
        if (options.AllowAnyOrigin && ambient.Count > 0)
        {
            errors.Add($"WsAuth: AllowAnyOrigin cannot be combined with ambient credentials ({string.Join(", ", ambient)}): any web site could "
                + "open a socket with your users' cookies (cross-site WebSocket hijacking). List your app's origins in AllowedOrigins instead.");
        }

        foreach (var duplicate in options.Authenticators.GroupBy(a => a.Method, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add($"WsAuth: the authenticator method \"{duplicate.Key}\" is registered {duplicate.Count()} times. Each method name must be unique.");
        }

        if (!Enum.IsDefined(options.MissingOrigin))
        {
            errors.Add($"WsAuth: MissingOrigin has an unknown value {(int)options.MissingOrigin}.");
        }

        if (options.EventsType is { } eventsType && !typeof(WebSocketAuthEvents).IsAssignableFrom(eventsType))
        {
            errors.Add($"WsAuth: EventsType {eventsType.FullName} must derive from {nameof(WebSocketAuthEvents)}.");
        }

        if (!Enum.IsDefined(options.RejectionMode))
        {
            errors.Add($"WsAuth: RejectionMode has an unknown value {(int)options.RejectionMode}.");
        }

        ValidateSessions(options.Sessions, errors);
        ValidateRateLimiting(options.RateLimiting, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateSessions(WebSocketSessionOptions sessions, List<string> errors)
    {
        if (sessions.MaxSessionLength is { } max && max <= TimeSpan.Zero)
        {
            errors.Add($"WsAuth:Sessions:MaxSessionLength must be positive (or unset for no cap); it is {max:c}.");
        }

        if (sessions.ExpiryWarning is { } warning && warning <= TimeSpan.Zero)
        {
            errors.Add($"WsAuth:Sessions:ExpiryWarning must be positive (or unset for no warning); it is {warning:c}.");
        }

        if (sessions.MaxRefreshesPerMinute is < 1 or > 600)
        {
            errors.Add($"WsAuth:Sessions:MaxRefreshesPerMinute must be between 1 and 600; it is {sessions.MaxRefreshesPerMinute}.");
        }

        if (sessions.MaxRefreshMessageSize is < 256 or > 1024 * 1024)
        {
            errors.Add($"WsAuth:Sessions:MaxRefreshMessageSize must be between 256 and 1048576 bytes; it is {sessions.MaxRefreshMessageSize}.");
        }
    }

    private static void ValidateRateLimiting(WebSocketRateLimitOptions limits, List<string> errors)
    {
        if (!limits.Enabled)
        {
            return;
        }

        if (limits.PermitsPerClient < 0 || limits.PermitsPerUser < 0 || limits.LockoutThreshold < 0)
        {
            errors.Add("WsAuth:RateLimiting: PermitsPerClient, PermitsPerUser and LockoutThreshold must be 0 (off) or more.");
        }

        if (limits.Window <= TimeSpan.Zero)
        {
            errors.Add($"WsAuth:RateLimiting:Window must be positive; it is {limits.Window:c}.");
        }

        if (limits.LockoutWindow <= TimeSpan.Zero || limits.LockoutDuration <= TimeSpan.Zero)
        {
            errors.Add("WsAuth:RateLimiting: LockoutWindow and LockoutDuration must be positive.");
        }

        if (limits.ClientIPv6PrefixLength is < 32 or > 128)
        {
            errors.Add($"WsAuth:RateLimiting:ClientIPv6PrefixLength must be between 32 and 128; it is {limits.ClientIPv6PrefixLength}.");
        }
    }
}
