using Microsoft.Extensions.Options;
using WsAuth.Origins;

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

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
