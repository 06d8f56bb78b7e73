using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WsAuth.Internal;

/// <summary>
/// Guards WebSocket handshakes: rate limits, transport, then Origin, then the authenticators in order (the first-message
/// method last, after the upgrade), then the endpoint's policies. Only a handshake that passes all of them reaches the
/// rest of the pipeline, with its socket wrapped in a session when the credential expires or can be refreshed; every
/// other request passes untouched.
/// </summary>
internal sealed partial class WebSocketAuthMiddleware
{
    private readonly RequestDelegate _next;
    private readonly WebSocketAuthOptions _options;
    private readonly OriginPolicy _originPolicy;
    private readonly RegisteredAuthenticator[] _authenticators;
    private readonly FirstMessageStage? _firstMessage;
    private readonly bool _requireSecureTransport;
    private readonly bool _allowNullOrigin;
    private readonly bool _rejectMissingOrigin;
    private readonly bool _closeAfterUpgrade;
    private readonly bool _closeWithPolicyViolation;
    private readonly HandshakeRateLimiter _rateLimiter;
    private readonly RejectionLogLimiter _rejectionLog;
    private readonly SessionSettings _sessions;
    private readonly PendingAccept _acceptWithoutSession;
    private readonly WebSocketRevocationService? _revocation;
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
        HandshakeRateLimiter rateLimiter,
        RejectionLogLimiter rejectionLog,
        ILoggerFactory loggerFactory)
    {
        _rejectionLog = rejectionLog;
        _next = next;
        _options = options.Value; // validates: an invalid configuration throws here at the latest, before any request
        _originPolicy = OriginPolicy.Create(_options.AllowedOrigins, _options.AllowAnyOrigin);

        // The first-message method runs after the upgrade, so it comes after every handshake authenticator wherever it was added.
        var handshakeAuthenticators = new List<RegisteredAuthenticator>();
        foreach (var registration in _options.Authenticators)
        {
            if (registration.AfterUpgrade)
            {
                _firstMessage = services.GetRequiredService<FirstMessageStage>();
            }
            else
            {
                var instance = (IWebSocketAuthenticator)services.GetRequiredService(registration.AuthenticatorType);
                handshakeAuthenticators.Add(new RegisteredAuthenticator(registration.Method, instance, registration.UsesAmbientCredentials));
            }
        }

        _authenticators = [.. handshakeAuthenticators];
        _requireSecureTransport = _options.RequireSecureTransport ?? !environment.IsDevelopment();
        _allowNullOrigin = _options.AllowNullOrigin;
        _rejectMissingOrigin = _options.MissingOrigin == MissingOriginPolicy.Reject;
        _closeAfterUpgrade = _options.RejectionMode == WebSocketRejectionMode.CloseAfterUpgrade;
        _closeWithPolicyViolation = _options.CloseWithPolicyViolation;
        _time = _options.TimeProvider ?? timeProvider;
        _metrics = metrics;
        _rateLimiter = rateLimiter;
        _logger = loggerFactory.CreateLogger<WebSocketAuthMiddleware>();

        EndpointMetadataValidator.Validate(services, _options);

        var hasValidator = services.GetService<IServiceProviderIsService>()?.IsService(typeof(IWebSocketTokenValidator)) ?? false;
        if (_firstMessage is not null && !hasValidator)
        {
            throw new InvalidOperationException(WebSocketAuthServicesValidator.FirstMessageNeedsValidator);
        }

        var parser = services.GetService<IWebSocketAuthMessageParser>() ?? JsonWebSocketAuthMessageParser.Instance;
        _revocation = services.GetService<WebSocketRevocationService>();
        _sessions = new SessionSettings(
            _options.Sessions,
            refreshEnabled: _options.Sessions.AllowRefresh ?? hasValidator,
            _closeWithPolicyViolation,
            parser,
            _time,
            metrics,
            loggerFactory.CreateLogger<SessionWebSocket>(),
            rateLimiter,
            _revocation)
        {
            Events = GetEvents,
        };
        _acceptWithoutSession = new PendingAccept(_sessions);

        Log.Configured(
            _logger,
            string.Join(", ", _options.Authenticators.Select(a => a.Method)),
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

    private Task GuardAsync(HttpContext context, Endpoint? endpoint)
    {
        // The checks run in their own method so that their state (the locals of every step, the authenticator's result,
        // the authenticated context) is garbage once the handshake is decided: only the small Admission lives as long as
        // the socket, in RunEndpointAsync's state machine.
        var activity = WebSocketAuthTelemetry.StartHandshake();
        var admitting = AdmitAsync(context, endpoint);
        if (!admitting.IsCompletedSuccessfully)
        {
            return GuardSlowAsync(context, admitting, activity);
        }

        WebSocketAuthTelemetry.EndHandshake(activity);
        return admitting.Result is { } admission ? RunEndpointAsync(context, admission) : Task.CompletedTask;
    }

    /// <summary>The handshake's checks went asynchronous (or failed): awaits them, then runs the endpoint.</summary>
    private async Task GuardSlowAsync(HttpContext context, ValueTask<Admission?> admitting, Activity? activity)
    {
        Admission? admitted;
        try
        {
            admitted = await admitting;
        }
        catch (Exception ex) when (WebSocketAuthTelemetry.HandshakeFailed(activity, ex))
        {
            throw; // never reached: the filter records the failure on the span and returns false
        }
        finally
        {
            WebSocketAuthTelemetry.EndHandshake(activity);
        }

        // This method's state lives as long as the endpoint runs: drop what the handshake no longer needs (the finished
        // checks' own state machine, reachable through the awaited value, and the ended span).
        admitting = default;
        activity = null;
        if (admitted is { } admission)
        {
            await RunEndpointAsync(context, admission);
        }
    }

    /// <summary>
    /// Runs the rest of the pipeline for an admitted handshake and ends its session when the endpoint returns. This
    /// method's state is what WsAuth keeps per socket for the whole connection, so it holds only the context and the admission.
    /// </summary>
    private async Task RunEndpointAsync(HttpContext context, Admission admission)
    {
        try
        {
            await _next(context);
        }
        catch (WebSocketUpgradeRefusedException ex) when (!context.Response.HasStarted)
        {
            Log.UpgradeRefused(_logger, ex.InnerException?.GetType().FullName, context.TraceIdentifier);
            await RejectAsync(context, admission.Start, admission.Method, WebSocketAuthFailureReasons.UpgradeRefused, StatusCodes.Status503ServiceUnavailable, retryAfter: UpgradeRetryAfter);
        }
        finally
        {
            await EndAsync(context, admission);
        }
    }

    private async ValueTask EndAsync(HttpContext context, Admission admission)
    {
        if (admission.Session is { } session)
        {
            await session.EndAsync();
        }

        if (admission.Socket is { } socket)
        {
            var wrapper = admission.Session;
            _metrics.SessionEnded(admission.Method, admission.AcceptedAt, _time, SessionEndReasons.Of(wrapper, wrapper?.Inner ?? socket, context));
        }

        admission.EndpointReturned();
    }

    /// <summary>
    /// Every check of a handshake. Returns the admission when the endpoint should run, or null when the request was
    /// answered here (rejected, or handled whole by the first-message method).
    /// </summary>
    private async ValueTask<Admission?> AdmitAsync(HttpContext context, Endpoint? endpoint)
    {
        var start = _time.GetTimestamp();
        var startTime = _time.GetUtcNow();
        var client = _rateLimiter.ClientKey(RemoteAddress.Of(context));

        // The Origin is checked first (cheaply, allocation-free) only to choose the budget: a refused Origin spends the
        // client's refused-Origin budget, so a cross-site page cannot use up its visitor's handshakes (AV1).
        var originHeader = context.Request.Headers.Origin;
        var originCheck = _originPolicy.Check(originHeader, out var origin);
        var originRefused = originCheck switch
        {
            OriginCheck.Allowed => false,
            OriginCheck.Missing => _rejectMissingOrigin,
            OriginCheck.Null => !_allowNullOrigin,
            _ => true,
        };
        var limit = _rateLimiter.AcquireClient(client, originRefused);
        if (!limit.IsAllowed)
        {
            await RejectAsync(context, start, null, limit.Reason, StatusCodes.Status429TooManyRequests, retryAfter: limit.RetryAfter);
            return null;
        }

        if (_requireSecureTransport && !context.Request.IsHttps)
        {
            Log.InsecureTransport(_logger, context.Request.Scheme);
            await RejectAsync(context, start, null, WebSocketAuthFailureReasons.InsecureTransport, StatusCodes.Status403Forbidden);
            return null;
        }

        var originStatus = WebSocketOriginStatus.Allowed;
        switch (originCheck)
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
                return null;
            case OriginCheck.Null:
                await RejectAsync(context, start, null, WebSocketAuthFailureReasons.OriginNull, StatusCodes.Status403Forbidden);
                return null;
            case OriginCheck.Multiple:
                await RejectAsync(context, start, null, WebSocketAuthFailureReasons.MultipleOrigins, StatusCodes.Status400BadRequest);
                return null;
            case OriginCheck.Malformed:
                await RejectAsync(context, start, null, WebSocketAuthFailureReasons.OriginMalformed, StatusCodes.Status403Forbidden);
                return null;
            default:
                await RejectAsync(context, start, null, WebSocketAuthFailureReasons.OriginNotAllowed, StatusCodes.Status403Forbidden);
                return null;
        }

        var handshake = new WebSocketAuthenticateContext(context, originStatus, origin);
        RegisteredAuthenticator? winner = null;
        WebSocketAuthenticateResult? result = null;
        var allowedMethods = endpoint?.Metadata.GetMetadata<WebSocketAuthMethodsAttribute>();
        foreach (var authenticator in _authenticators)
        {
            if (allowedMethods is not null && !allowedMethods.Allows(authenticator.Method))
            {
                continue;
            }

            handshake.Method = authenticator.Method;
            var authenticatorStart = WebSocketAuthTelemetry.AuthenticatorStarting();
            try
            {
                result = await authenticator.Instance.AuthenticateAsync(handshake, context.RequestAborted);
                WebSocketAuthTelemetry.AuthenticatorCompleted(authenticatorStart);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                Log.RequestAborted(_logger, authenticator.Method);
                return null;
            }
            catch (Exception ex)
            {
                // Only the type: exception messages from token libraries can carry the credential.
                Log.AuthenticatorThrew(_logger, authenticator.Method, ex.GetType().FullName);
                WebSocketAuthTelemetry.AuthenticatorCompleted(authenticatorStart);
                WebSocketAuthTelemetry.AuthenticatorThrew(ex);
                await RejectAsync(context, start, authenticator.Method, WebSocketAuthFailureReasons.AuthenticatorError, StatusCodes.Status500InternalServerError);
                return null;
            }

            if (result is null)
            {
                Log.AuthenticatorReturnedNull(_logger, authenticator.Method);
                await RejectAsync(context, start, authenticator.Method, WebSocketAuthFailureReasons.AuthenticatorError, StatusCodes.Status500InternalServerError);
                return null;
            }

            if (result.Failed)
            {
                if (CredentialOutcomes.CountsTowardLockout(result.StatusCode, result.FailureReason))
                {
                    _rateLimiter.RecordFailure(client);
                }

                await RejectAsync(context, start, authenticator.Method, result.FailureReason, result.StatusCode, new Closable(endpoint, handshake));
                return null;
            }

            if (result.Succeeded)
            {
                winner = authenticator;
                break;
            }
        }

        if (winner is null || result is null || !result.Succeeded)
        {
            // Basic credentials (user:pass@host URLs) are not a method: say so rather than "no credentials", before any
            // upgrade, whether or not the first-message method would take the socket (AV11).
            var onlyBasic = AuthorizationHeader.IsOnlyBasic(context.Request.Headers.Authorization);
            // Never on a SignalR hub: its client's first message is SignalR's handshake, and WsAuth's reply would break its framing.
            if (_firstMessage is not null && !onlyBasic && allowedMethods?.Allows(WebSocketAuthDefaults.FirstMessageMethod) != false
                && SessionSettings.SpeaksControlMessages(endpoint))
            {
                return await FirstMessageAsync(context, endpoint, handshake, client, start, startTime);
            }

            var reason = onlyBasic ? WebSocketAuthFailureReasons.BasicNotSupported : WebSocketAuthFailureReasons.NoCredentials;
            await RejectAsync(context, start, null, reason, StatusCodes.Status401Unauthorized, new Closable(endpoint, handshake));
            return null;
        }

        // A token offered in Sec-WebSocket-Protocol is hidden from endpoint code even when another method decided (or was
        // not allowed on this endpoint).
        foreach (var other in _authenticators)
        {
            if (!ReferenceEquals(other, winner) && other.Instance is IProtocolCredentialCarrier carrier)
            {
                carrier.HideCredentialEntries(handshake);
            }
        }

        if (winner.UsesAmbientCredentials && originStatus != WebSocketOriginStatus.Allowed)
        {
            // Cookies ride along on any request the browser makes: without a listed Origin, nothing says this one is ours.
            await RejectAsync(context, start, winner.Method, WebSocketAuthFailureReasons.OriginRequired, StatusCodes.Status403Forbidden);
            return null;
        }

        var verdict = await CompleteAdmissionAsync(context, endpoint, winner.Method, result.Principal, result.ExpiresAt, result.IssuedAt, origin);
        if (verdict.Refusal is { } refusal)
        {
            await RejectAsync(context, start, winner.Method, refusal.Reason, refusal.StatusCode, refusal.MayCloseAfterUpgrade ? new Closable(endpoint, handshake) : null, refusal.RetryAfter);
            return null;
        }

        var feature = verdict.Feature!;
        var requirements = verdict.Requirements;
        ApplyHiddenProtocols(context, handshake);

        var pending = _sessions.IsNeeded(feature.ExpiresAt)
            ? new PendingAccept(_sessions, context, feature, startTime, Authorizer(context, requirements), SessionSettings.SpeaksControlMessages(endpoint))
            : _acceptWithoutSession;
        var admission = new Admission(winner.Method, start, pending);
        if (context.Features.Get<IHttpWebSocketFeature>() is { } webSocketFeature)
        {
            context.Features.Set<IHttpWebSocketFeature>(new GuardedWebSocketFeature(webSocketFeature, handshake, admission));
        }

        _metrics.Authenticated(winner.Method, start, _time);
        WebSocketAuthTelemetry.HandshakeAuthenticated(winner.Method);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            // Reading TraceIdentifier makes Kestrel create the id string, which it keeps as long as the socket.
            Log.Authenticated(_logger, winner.Method, context.TraceIdentifier);
        }
        return admission;
    }

    private static readonly TimeSpan UpgradeRetryAfter = TimeSpan.FromSeconds(1);

    private WebSocketAuthEvents GetEvents(HttpContext context)
        => _options.EventsType is { } type
            ? (WebSocketAuthEvents)context.RequestServices.GetRequiredService(type)
            : _options.Events;

    private sealed record RegisteredAuthenticator(string Method, IWebSocketAuthenticator Instance, bool UsesAmbientCredentials);

    /// <summary>An authentication failure that <see cref="WebSocketRejectionMode.CloseAfterUpgrade"/> may turn into a close code.</summary>
    private sealed record Closable(Endpoint? Endpoint, WebSocketAuthenticateContext Handshake);
}
