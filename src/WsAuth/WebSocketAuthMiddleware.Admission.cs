using System.Net.WebSockets;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace WsAuth.Internal;

internal sealed partial class WebSocketAuthMiddleware
{
    /// <summary>
    /// The one admission stage, for every method (handshake authenticators and the first message alike): an authenticated
    /// credential is refused when already expired, revoked, over the user's handshake budget, refused by the endpoint's
    /// policies or by <c>OnAuthenticated</c>; otherwise the feature and <c>HttpContext.User</c> are set. Callers only
    /// choose how a refusal is sent: an HTTP status before the upgrade, or its close code (4000 + status, 1011 for 5xx) after.
    /// </summary>
    private async Task<AdmissionVerdict> CompleteAdmissionAsync(
        HttpContext context,
        Endpoint? endpoint,
        string method,
        ClaimsPrincipal principal,
        DateTimeOffset? expiresAt,
        DateTimeOffset? resultIssuedAt,
        string? origin)
    {
        if (_sessions.HasExpired(expiresAt))
        {
            // Valid within the clock skew, but already past its expiry: the session would close at once with 4401.
            return Refuse(WebSocketAuthFailureReasons.Expired, StatusCodes.Status401Unauthorized);
        }

        var issuedAt = RevocationIdentity.IssuedAt(resultIssuedAt, principal);
        if (RevocationRejection(principal, issuedAt) is { } revocation)
        {
            return revocation;
        }

        var userLimit = _rateLimiter.AcquireUser(principal);
        if (!userLimit.IsAllowed)
        {
            return Refuse(userLimit.Reason, StatusCodes.Status429TooManyRequests, userLimit.RetryAfter, mayCloseAfterUpgrade: false);
        }

        var requirements = endpoint?.Metadata.GetOrderedMetadata<RequireWebSocketAuthAttribute>();
        if (requirements is { Count: > 0 } && !await AuthorizeAsync(context, principal, requirements))
        {
            return Refuse(WebSocketAuthFailureReasons.Forbidden, StatusCodes.Status403Forbidden);
        }

        var authenticated = new WebSocketAuthenticatedContext(context, method, principal, expiresAt);
        await GetEvents(context).Authenticated(authenticated);
        if (authenticated.IsRejected)
        {
            return Refuse(authenticated.RejectionReason, authenticated.RejectionStatusCode);
        }

        var feature = NewFeature(authenticated.Principal, method, authenticated.ExpiresAt, origin, issuedAt);
        context.Features.Set<IWebSocketAuthFeature>(feature);
        context.User = authenticated.Principal;
        return new AdmissionVerdict(feature, requirements, null);
    }

    private static AdmissionVerdict Refuse(string reason, int statusCode, TimeSpan? retryAfter = null, bool mayCloseAfterUpgrade = true)
        => new(null, null, new Refusal(reason, statusCode, retryAfter, mayCloseAfterUpgrade));

    /// <summary>
    /// The revocation check of an authenticated credential, for every method (one path): null when it may go on, else
    /// 401 <c>revoked</c> or 503 <c>revocation_unavailable</c>. Reads only this instance's state: no I/O.
    /// </summary>
    private AdmissionVerdict? RevocationRejection(ClaimsPrincipal principal, DateTimeOffset? issuedAt)
        => _revocation?.Check(RevocationIdentity.SubjectOf(principal), issuedAt) switch
        {
            RevocationVerdict.Revoked => Refuse(WebSocketAuthFailureReasons.Revoked, StatusCodes.Status401Unauthorized),
            RevocationVerdict.Unavailable => Refuse(WebSocketAuthFailureReasons.RevocationUnavailable, StatusCodes.Status503ServiceUnavailable, UpgradeRetryAfter, mayCloseAfterUpgrade: false),
            _ => null,
        };

    /// <summary>The feature endpoint code reads; with a session id when revocation is on.</summary>
    private WebSocketAuthFeature NewFeature(ClaimsPrincipal principal, string method, DateTimeOffset? expiresAt, string? origin, DateTimeOffset? issuedAt)
        => new(principal, method, expiresAt, origin)
        {
            SessionId = _revocation is null ? null : SessionIds.New(),
            IssuedAt = issuedAt,
        };

    private static Func<ClaimsPrincipal, Task<bool>>? Authorizer(HttpContext context, IReadOnlyList<RequireWebSocketAuthAttribute>? requirements)
        => requirements is { Count: > 0 } ? principal => AuthorizeAsync(context, principal, requirements) : null;

    private static async Task<bool> AuthorizeAsync(
        HttpContext context,
        ClaimsPrincipal principal,
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

    /// <summary>
    /// An admitted handshake: what RunEndpointAsync needs while the endpoint runs, and what the accept wrapper calls with
    /// the accepted socket. Kept small: it lives as long as the socket.
    /// </summary>
    private class Admission(string method, long start, PendingAccept? pending) : IAcceptedWebSocketObserver
    {
        // What the accept needs; dropped once accepted.
        private PendingAccept? _pending = pending;

        public string Method { get; } = method;

        public long Start { get; } = start;

        /// <summary>The socket endpoint code got (the session when one applies); null until it accepts.</summary>
        public WebSocket? Socket { get; protected set; }

        /// <summary>Set when the endpoint accepted the socket and the credential needs a session.</summary>
        public SessionWebSocket? Session => Socket as SessionWebSocket;

        /// <summary>When the endpoint accepted the socket (a <see cref="TimeProvider"/> timestamp).</summary>
        public long AcceptedAt { get; protected set; }

        /// <summary>Counts the session open and wraps the socket in a session when one applies.</summary>
        public WebSocket Accepted(WebSocket socket)
        {
            var pending = Interlocked.Exchange(ref _pending, null)
                ?? throw new InvalidOperationException("The WebSocket was already accepted.");
            var sessions = pending.Sessions;
            AcceptedAt = sessions.Metrics.SessionStarted(Method, sessions.Time);
            Socket = socket; // set before the session starts, so that the session count goes down again whatever happens
            if (pending.Feature is { } feature)
            {
                Socket = (WebSocket?)sessions.Start(socket, pending.Context!, feature, pending.StartTime, pending.Authorize, pending.ControlMessages) ?? socket;
            }

            return Socket;
        }

        /// <summary>Called once endpoint code returned and the session ended.</summary>
        public virtual void EndpointReturned()
        {
        }
    }

    /// <summary>
    /// A first-message admission: WsAuth accepted the socket itself (and started its session) before endpoint code ran,
    /// which gets it through <see cref="PreAcceptedWebSocketFeature"/>; a socket endpoint code never took is disposed
    /// when it returns.
    /// </summary>
    private sealed class FirstMessageAdmission : Admission
    {
        private readonly WebSocket _socket;
        private readonly PreAcceptedWebSocketFeature _feature;

        public FirstMessageAdmission(string method, long start, WebSocket socket, SessionWebSocket? session, PreAcceptedWebSocketFeature feature, long acceptedAt)
            : base(method, start, pending: null)
        {
            _socket = socket;
            _feature = feature;
            Socket = (WebSocket?)session ?? socket;
            AcceptedAt = acceptedAt;
        }

        public override void EndpointReturned()
        {
            if (!_feature.Accepted)
            {
                _socket.Dispose(); // the endpoint never took it
            }
        }
    }

    /// <summary>
    /// What an admitted socket is accepted with: the session settings and, for a credential that needs a session
    /// (<paramref name="Feature"/> set), what to start it with. One shared instance serves every handshake without a session.
    /// </summary>
    private sealed record PendingAccept(SessionSettings Sessions, HttpContext? Context = null, WebSocketAuthFeature? Feature = null, DateTimeOffset StartTime = default, Func<ClaimsPrincipal, Task<bool>>? Authorize = null, bool ControlMessages = false);

    /// <summary>The outcome of <see cref="CompleteAdmissionAsync"/>: the feature set on the request, or a refusal.</summary>
    private sealed record AdmissionVerdict(WebSocketAuthFeature? Feature, IReadOnlyList<RequireWebSocketAuthAttribute>? Requirements, Refusal? Refusal);

    /// <summary>
    /// A refused admission. <paramref name="MayCloseAfterUpgrade"/>: whether <see cref="WebSocketRejectionMode.CloseAfterUpgrade"/>
    /// may send it as a close code (not a 429 or 503, whose <c>Retry-After</c> matters).
    /// </summary>
    private sealed record Refusal(string Reason, int StatusCode, TimeSpan? RetryAfter, bool MayCloseAfterUpgrade);
}
