using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WsAuth.Internal;
using WsAuth.Origins;

namespace WsAuth;

/// <summary>
/// Guards WebSocket handshakes: transport, then Origin, then the authenticators in order, then the endpoint's policies.
/// Only a handshake that passes all of them reaches the rest of the pipeline; every other request passes untouched.
/// </summary>
internal sealed partial class WebSocketAuthMiddleware
{
    private readonly RequestDelegate _next;
    private readonly WebSocketAuthOptions _options;
    private readonly OriginPolicy _originPolicy;
    private readonly RegisteredAuthenticator[] _authenticators;
    private readonly bool _requireSecureTransport;
    private readonly bool _allowNullOrigin;
    private readonly bool _rejectMissingOrigin;
    private readonly TimeProvider _time;
    private readonly WebSocketAuthMetrics _metrics;
    private readonly ILogger _logger;

    public WebSocketAuthMiddleware(
        RequestDelegate next,
        IOptions<WebSocketAuthOptions> options,
        IServiceProvider services,
        IHostEnvironment environment,
        TimeProvider timeProvider,
        WebSocketAuthMetrics metrics,
        ILogger<WebSocketAuthMiddleware> logger)
    {
        _next = next;
        _options = options.Value; // validates: an invalid configuration throws here at the latest, before any request
        _originPolicy = OriginPolicy.Create(_options.AllowedOrigins, _options.AllowAnyOrigin);
        _authenticators = [.. _options.Authenticators.Select(r => new RegisteredAuthenticator(
            r.Method, (IWebSocketAuthenticator)services.GetRequiredService(r.AuthenticatorType), r.UsesAmbientCredentials))];
        _requireSecureTransport = _options.RequireSecureTransport ?? !environment.IsDevelopment();
        _allowNullOrigin = _options.AllowNullOrigin;
        _rejectMissingOrigin = _options.MissingOrigin == MissingOriginPolicy.Reject;
        _time = _options.TimeProvider ?? timeProvider;
        _metrics = metrics;
        _logger = logger;

        Log.Configured(
            _logger,
            string.Join(", ", _authenticators.Select(a => a.Method)),
            _originPolicy.AllowAnyOrigin ? "any" : string.Join(", ", _originPolicy.ExactOrigins.Concat(_originPolicy.Patterns.Select(p => p.ToString()))),
            _requireSecureTransport);
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (!WebSocketRequestDetector.IsWebSocketHandshake(context))
        {
            return _next(context);
        }

        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<DisableWebSocketAuthAttribute>() is not null)
        {
            Log.Disabled(_logger, endpoint.DisplayName);
            return _next(context);
        }

        return GuardAsync(context, endpoint);
    }

    private async Task GuardAsync(HttpContext context, Endpoint? endpoint)
    {
        var start = _time.GetTimestamp();

        if (_requireSecureTransport && !context.Request.IsHttps)
        {
            Log.InsecureTransport(_logger, context.Request.Scheme);
            await RejectAsync(context, start, null, WebSocketAuthFailureReasons.InsecureTransport, StatusCodes.Status403Forbidden);
            return;
        }

        var originHeader = context.Request.Headers.Origin;
        var originStatus = WebSocketOriginStatus.Allowed;
        switch (_originPolicy.Check(originHeader, out var origin))
        {
            case OriginCheck.Allowed:
                break;
            case OriginCheck.Missing when !_rejectMissingOrigin:
                originStatus = WebSocketOriginStatus.Missing;
                break;
            case OriginCheck.Null when _allowNullOrigin:
                originStatus = WebSocketOriginStatus.Null;
                break;
            case OriginCheck.Missing:
                await RejectAsync(context, start, null, WebSocketAuthFailureReasons.OriginMissing, StatusCodes.Status403Forbidden);
                return;
            case OriginCheck.Null:
                await RejectAsync(context, start, null, WebSocketAuthFailureReasons.OriginNull, StatusCodes.Status403Forbidden);
                return;
            case OriginCheck.Multiple:
                await RejectAsync(context, start, null, WebSocketAuthFailureReasons.MultipleOrigins, StatusCodes.Status400BadRequest);
                return;
            case OriginCheck.Malformed:
                await RejectAsync(context, start, null, WebSocketAuthFailureReasons.OriginMalformed, StatusCodes.Status403Forbidden);
                return;
            default:
                await RejectAsync(context, start, null, WebSocketAuthFailureReasons.OriginNotAllowed, StatusCodes.Status403Forbidden);
                return;
        }

        var handshake = new WebSocketAuthenticateContext(context, originStatus, origin);
        RegisteredAuthenticator? winner = null;
        WebSocketAuthenticateResult? result = null;
        foreach (var authenticator in _authenticators)
        {
            handshake.Method = authenticator.Method;
            try
            {
                result = await authenticator.Instance.AuthenticateAsync(handshake, context.RequestAborted);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                Log.RequestAborted(_logger, authenticator.Method);
                return;
            }
            catch (Exception ex)
            {
                // Only the type: exception messages from token libraries can carry the credential.
                Log.AuthenticatorThrew(_logger, authenticator.Method, ex.GetType().FullName);
                await RejectAsync(context, start, authenticator.Method, WebSocketAuthFailureReasons.AuthenticatorError, StatusCodes.Status500InternalServerError);
                return;
            }

            if (result is null)
            {
                Log.AuthenticatorReturnedNull(_logger, authenticator.Method);
                await RejectAsync(context, start, authenticator.Method, WebSocketAuthFailureReasons.AuthenticatorError, StatusCodes.Status500InternalServerError);
                return;
            }

            if (result.Failed)
            {
                await RejectAsync(context, start, authenticator.Method, result.FailureReason, result.StatusCode);
                return;
            }

            if (result.Succeeded)
            {
                winner = authenticator;
                break;
            }
        }

        if (winner is null || result is null || !result.Succeeded)
        {
            // Basic credentials (user:pass@host URLs) are not a method: say so rather than "no credentials".
            var reason = AuthorizationHeader.IsOnlyBasic(context.Request.Headers.Authorization)
                ? WebSocketAuthFailureReasons.BasicNotSupported
                : WebSocketAuthFailureReasons.NoCredentials;
            await RejectAsync(context, start, null, reason, StatusCodes.Status401Unauthorized);
            return;
        }

        if (winner.UsesAmbientCredentials && originStatus != WebSocketOriginStatus.Allowed)
        {
            // Cookies ride along on any request the browser makes: without a listed Origin, nothing says this one is ours.
            await RejectAsync(context, start, winner.Method, WebSocketAuthFailureReasons.OriginRequired, StatusCodes.Status403Forbidden);
            return;
        }

        var principal = result.Principal;
        if (endpoint?.Metadata.GetOrderedMetadata<RequireWebSocketAuthAttribute>() is { Count: > 0 } requirements
            && !await AuthorizeAsync(context, principal, requirements))
        {
            await RejectAsync(context, start, winner.Method, WebSocketAuthFailureReasons.Forbidden, StatusCodes.Status403Forbidden);
            return;
        }

        var authenticated = new WebSocketAuthenticatedContext(context, winner.Method, principal, result.ExpiresAt);
        await GetEvents(context).Authenticated(authenticated);
        if (authenticated.IsRejected)
        {
            await RejectAsync(context, start, winner.Method, authenticated.RejectionReason, authenticated.RejectionStatusCode);
            return;
        }

        var feature = new WebSocketAuthFeature(authenticated.Principal, winner.Method, authenticated.ExpiresAt, origin);
        context.Features.Set<IWebSocketAuthFeature>(feature);
        context.User = authenticated.Principal;
        if (handshake.ProtocolsChanged)
        {
            context.Request.Headers.SecWebSocketProtocol = handshake.RequestedProtocols.Count == 0
                ? default
                : string.Join(", ", handshake.RequestedProtocols);
        }

        if (context.Features.Get<IHttpWebSocketFeature>() is { } webSocketFeature)
        {
            context.Features.Set<IHttpWebSocketFeature>(new GuardedWebSocketFeature(webSocketFeature, handshake));
        }

        _metrics.Authenticated(winner.Method, start, _time);
        Log.Authenticated(_logger, winner.Method, context.TraceIdentifier);
        await _next(context);
    }

    private static async Task<bool> AuthorizeAsync(
        HttpContext context,
        System.Security.Claims.ClaimsPrincipal principal,
        IReadOnlyList<RequireWebSocketAuthAttribute> requirements)
    {
        IAuthorizationService? authorization = null;
        foreach (var requirement in requirements)
        {
            foreach (var policy in requirement.Policies)
            {
                authorization ??= context.RequestServices.GetService<IAuthorizationService>()
                    ?? throw new InvalidOperationException(
                        "An endpoint requires WsAuth with an authorization policy, but authorization services are not registered. Call services.AddAuthorization().");
                var outcome = await authorization.AuthorizeAsync(principal, context, policy);
                if (!outcome.Succeeded)
                {
                    return false;
                }
            }
        }

        return true;
    }

    private WebSocketAuthEvents GetEvents(HttpContext context)
        => _options.EventsType is { } type
            ? (WebSocketAuthEvents)context.RequestServices.GetRequiredService(type)
            : _options.Events;

    private async Task RejectAsync(HttpContext context, long start, string? method, string reason, int statusCode)
    {
        _metrics.Rejected(method, reason, start, _time);
        var remoteIp = context.Connection.RemoteIpAddress?.ToString();
        Log.Rejected(_logger, statusCode, reason, method ?? WebSocketAuthMetrics.NoMethod, LogSafe.Origin(context.Request.Headers.Origin), remoteIp, context.TraceIdentifier);

        var rejected = new WebSocketRejectedContext(context, method, reason, statusCode);
        await GetEvents(context).Rejected(rejected);
        if (rejected.IsResponseHandled || context.Response.HasStarted)
        {
            return;
        }

        var status = rejected.StatusCode is >= 400 and <= 599 ? rejected.StatusCode : statusCode;
        context.Response.StatusCode = status;
        context.Response.Headers.CacheControl = "no-store";
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = reason.Length; // reason codes are ASCII
        await context.Response.WriteAsync(reason);
    }

    private sealed record RegisteredAuthenticator(string Method, IWebSocketAuthenticator Instance, bool UsesAmbientCredentials);
}
