using System.Net.WebSockets;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace WsAuth.Internal;

/// <summary>The session options compiled once by the middleware, and what every session shares.</summary>
internal sealed class SessionSettings
{
    public SessionSettings(
        WebSocketSessionOptions options,
        bool refreshEnabled,
        bool closeWithPolicyViolation,
        IWebSocketAuthMessageParser parser,
        TimeProvider time,
        WebSocketAuthMetrics metrics,
        ILogger logger,
        HandshakeRateLimiter? rateLimiter = null,
        WebSocketRevocationService? revocation = null)
    {
        Revocation = revocation;
        RateLimiter = rateLimiter;
        MaxRefreshesPerMinute = options.MaxRefreshesPerMinute;
        CloseOnExpiry = options.CloseOnExpiry;
        MaxSessionLength = options.MaxSessionLength;
        ExpiryWarning = options.ExpiryWarning;
        MaxRefreshMessageSize = options.MaxRefreshMessageSize;
        RefreshPrefix = refreshEnabled ? parser.RefreshPrefix.ToArray() : null;
        CloseWithPolicyViolation = closeWithPolicyViolation;
        Parser = parser;
        Time = time;
        Metrics = metrics;
        Logger = logger;
    }

    public bool CloseOnExpiry { get; }

    public TimeSpan? MaxSessionLength { get; }

    public TimeSpan? ExpiryWarning { get; }

    public int MaxRefreshMessageSize { get; }

    /// <summary>Refresh messages one socket may send per minute; the next closes it with 4429.</summary>
    public int MaxRefreshesPerMinute { get; }

    /// <summary>The handshake limiter, whose lockout counts a socket's invalid refreshes and forged control messages.</summary>
    public HandshakeRateLimiter? RateLimiter { get; }

    /// <summary>The leading bytes of a refresh message, or <see langword="null"/> when refresh is off (nothing is inspected).</summary>
    public byte[]? RefreshPrefix { get; }

    public bool RefreshEnabled => RefreshPrefix is not null;

    public bool CloseWithPolicyViolation { get; }

    public IWebSocketAuthMessageParser Parser { get; }

    public TimeProvider Time { get; }

    public WebSocketAuthMetrics Metrics { get; }

    public ILogger Logger { get; }

    /// <summary>Revocation, when on: every admitted socket then gets a session, registered so it can be closed.</summary>
    public WebSocketRevocationService? Revocation { get; }

    /// <summary>Counts a rejected credential (an invalid refresh, a forged control message) towards the client's lockout.</summary>
    /// <summary>The app's events for a request (<c>OnRejected</c> after a refresh); set by the middleware.</summary>
    public Func<HttpContext, WebSocketAuthEvents>? Events { get; init; }

    public void RecordFailure(HttpContext context)
    {
        if (RateLimiter is { } limiter)
        {
            limiter.RecordFailure(limiter.ClientKey(RemoteAddress.Of(context)));
        }
    }

    /// <summary>
    /// Whether a credential the validator accepted has already expired: a token inside the clock skew past its
    /// <c>exp</c>. Its session would end at once, so it is refused as <c>expired</c> before endpoint code gets a socket
    /// it cannot use. Only when sessions close on expiry.
    /// </summary>
    public bool HasExpired(DateTimeOffset? expiresAt) => CloseOnExpiry && expiresAt is { } end && end <= Time.GetUtcNow();

    /// <summary>Whether a socket with this expiry needs a session at all; otherwise endpoint code gets the socket itself.</summary>
    public bool IsNeeded(DateTimeOffset? expiresAt)
        => Revocation is not null || RefreshEnabled || MaxSessionLength is not null || (CloseOnExpiry && expiresAt is not null);

    /// <summary>When a session that started at <paramref name="start"/> with a credential expiring at <paramref name="expiresAt"/> ends.</summary>
    public DateTimeOffset? EndOf(DateTimeOffset? expiresAt, DateTimeOffset start)
    {
        var end = CloseOnExpiry ? expiresAt : null;
        if (MaxSessionLength is { } max && (end is null || start + max < end))
        {
            end = start + max;
        }

        return end;
    }

    public SessionWebSocket? Start(
        WebSocket socket,
        HttpContext context,
        WebSocketAuthFeature feature,
        DateTimeOffset start,
        Func<ClaimsPrincipal, Task<bool>>? authorize,
        bool controlMessages = true)
        => IsNeeded(feature.ExpiresAt) ? new SessionWebSocket(socket, this, context, feature, start, authorize, controlMessages) : null;

    /// <summary>
    /// Whether sessions on <paramref name="endpoint"/> speak WsAuth's control messages (in-band refresh, expiry warnings,
    /// the reserved <c>wsauth.</c> namespace). Not on SignalR hubs: SignalR frames every message itself, its clients
    /// would fail on a message they did not frame, and they cannot send a refresh; a hub session only closes (4401).
    /// </summary>
    public static bool SpeaksControlMessages(Endpoint? endpoint)
        => endpoint?.Metadata.GetMetadata<Microsoft.AspNetCore.SignalR.HubMetadata>() is null;
}
