using System.Buffers;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WsAuth.Internal;

/// <summary>
/// Serves <c>MapWebSocketTickets</c>: for an authenticated user whose request comes from an allowed origin (or from a
/// non-browser client), stores a new ticket and answers <c>{"ticket":"...","expiresIn":30}</c> with
/// <c>Cache-Control: no-store</c>. Every refusal is a status with a reason code as body.
/// </summary>
internal sealed partial class WebSocketTicketIssuer : IDisposable
{
    /// <summary>Warnings about a full store are written at most this often; the next one says how many were skipped.</summary>
    internal static readonly TimeSpan StoreFullWarningInterval = TimeSpan.FromSeconds(30);

    private readonly IWebSocketTicketStore _store;
    private readonly IDataSerializer<ClaimsPrincipal> _serializer;
    private readonly OriginPolicy _originPolicy;
    private readonly TimeSpan _lifetime;
    private readonly bool _bindToOrigin;
    private readonly bool _bindToClientIp;
    private readonly bool _allowNullOrigin;
    private readonly bool _rejectMissingOrigin;
    private readonly TimeProvider _time;
    private readonly TicketMetrics _metrics;
    private readonly ILogger _logger;
    private readonly WebSocketRevocationService? _revocation;
    private readonly TicketIssueLimiter _limiter;
    private readonly RejectionLogLimiter _rejectionLog;
    private long _nextStoreFullWarning = long.MinValue;
    private int _storeFullSuppressed;

    public WebSocketTicketIssuer(
        IOptions<WebSocketTicketOptions> options,
        IOptions<WebSocketAuthOptions> authOptions,
        IWebSocketTicketStore store,
        TimeProvider timeProvider,
        TicketMetrics metrics,
        RejectionLogLimiter rejectionLog,
        ILogger<WebSocketTicketIssuer> logger,
        WebSocketRevocationService? revocation = null)
    {
        _revocation = revocation;
        _rejectionLog = rejectionLog;
        var ticketOptions = options.Value;
        var auth = authOptions.Value;
        _store = store;
        _serializer = ticketOptions.PrincipalSerializer ?? TicketPrincipalSerializer.Instance;
        _originPolicy = OriginPolicy.Create(auth.AllowedOrigins, auth.AllowAnyOrigin);
        _lifetime = ticketOptions.Lifetime;
        _bindToOrigin = ticketOptions.BindToOrigin;
        _bindToClientIp = ticketOptions.BindToClientIp;
        _allowNullOrigin = auth.AllowNullOrigin;
        _rejectMissingOrigin = auth.MissingOrigin == MissingOriginPolicy.Reject;
        _time = auth.TimeProvider ?? timeProvider;
        _metrics = metrics;
        _logger = logger;
        _limiter = new TicketIssueLimiter(ticketOptions.IssuePermitsPerClient, ticketOptions.IssuePermitsPerUser, ticketOptions.IssueWindow, auth.RateLimiting.ClientIPv6PrefixLength);
    }

    public void Dispose() => _limiter.Dispose();

    /// <summary>Handles one ticket request.</summary>
    /// <param name="context">The request.</param>
    /// <param name="webSocketPath">The normalized path the ticket is bound to, or <see langword="null"/>.</param>
    public async Task IssueAsync(HttpContext context, string? webSocketPath)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            // Normally the endpoint's authorization already challenged; this holds even if someone allowed anonymous.
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, WebSocketAuthFailureReasons.NoCredentials);
            return;
        }

        // UseAntiforgery() only records its verdict; endpoints that asked for validation must act on it.
        if (context.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false })
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, WebSocketAuthFailureReasons.AntiforgeryInvalid);
            return;
        }

        // The issuing request gets the handshake's Origin rules: a cross-site page that rides the user's cookie gets 403
        // (no ticket is even created), whatever CORS the app configured.
        string? origin;
        switch (_originPolicy.Check(context.Request.Headers.Origin, out origin))
        {
            case OriginCheck.Allowed:
                break;
            case OriginCheck.Missing when !_rejectMissingOrigin:
                origin = null;
                break;
            case OriginCheck.Null when _allowNullOrigin:
                break;
            case OriginCheck.Missing:
                await RefuseAsync(context, StatusCodes.Status403Forbidden, WebSocketAuthFailureReasons.OriginMissing);
                return;
            case OriginCheck.Null:
                await RefuseAsync(context, StatusCodes.Status403Forbidden, WebSocketAuthFailureReasons.OriginNull);
                return;
            case OriginCheck.Multiple:
                await RefuseAsync(context, StatusCodes.Status400BadRequest, WebSocketAuthFailureReasons.MultipleOrigins);
                return;
            case OriginCheck.Malformed:
                await RefuseAsync(context, StatusCodes.Status403Forbidden, WebSocketAuthFailureReasons.OriginMalformed);
                return;
            default:
                await RefuseAsync(context, StatusCodes.Status403Forbidden, WebSocketAuthFailureReasons.OriginNotAllowed);
                return;
        }

        // A ticket inherits its credential's issue time, so revoking the user also refuses tickets obtained before, and a
        // revoked cookie or token gets no ticket at all.
        var credentialIssuedAt = CredentialIssuedAt(context);
        switch (_revocation?.Check(RevocationIdentity.SubjectOf(user), credentialIssuedAt))
        {
            case RevocationVerdict.Revoked:
                await RefuseAsync(context, StatusCodes.Status401Unauthorized, WebSocketAuthFailureReasons.Revoked);
                return;
            case RevocationVerdict.Unavailable:
                await RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, WebSocketAuthFailureReasons.RevocationUnavailable);
                return;
        }

        // Quotas per address and per user: one signed-in user cannot fill the store for everyone else (AV3).
        var quota = _limiter.Acquire(context.Connection.RemoteIpAddress, user);
        if (!quota.IsAllowed)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(quota.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await RefuseAsync(context, StatusCodes.Status429TooManyRequests, quota.Reason);
            return;
        }

        var now = _time.GetUtcNow();
        var credentialExpiresAt = CredentialExpiry(context);
        var expiresAt = now + _lifetime;
        if (credentialExpiresAt < expiresAt)
        {
            expiresAt = credentialExpiresAt.Value;
        }

        if (expiresAt <= now)
        {
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, WebSocketAuthFailureReasons.Expired);
            return;
        }

        var bindings = (_bindToOrigin ? TicketBindings.Origin : TicketBindings.None)
            | (_bindToClientIp ? TicketBindings.ClientIp : TicketBindings.None)
            | (webSocketPath is not null ? TicketBindings.Path : TicketBindings.None);
        var envelope = new TicketEnvelope(
            expiresAt,
            credentialExpiresAt,
            bindings,
            _bindToOrigin ? origin : null,
            _bindToClientIp ? TicketRequestValues.ClientIp(context) : null,
            webSocketPath,
            _serializer.Serialize(user),
            credentialIssuedAt);

        var ticket = TicketCodec.NewTicket(out var ticketId);
        bool stored;
        try
        {
            stored = await _store.TryStoreAsync(ticketId, envelope.Write(), expiresAt, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            // Only the type: the store's own log has the details, and a message could carry anything.
            Log.StoreFailed(_logger, ex.GetType().FullName);
            await RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, WebSocketAuthFailureReasons.StoreUnavailable);
            return;
        }

        if (!stored)
        {
            WarnStoreFull();
            await RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, WebSocketAuthFailureReasons.TicketStoreFull);
            return;
        }

        var expiresIn = (long)Math.Floor((expiresAt - now).TotalSeconds);
        _metrics.Issued();
        Log.Issued(_logger, TicketCodec.LogId(ticketId), expiresAt, bindings.ToString(), context.TraceIdentifier);

        var body = new ArrayBufferWriter<byte>(96);
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteString("ticket", ticket);
            json.WriteNumber("expiresIn", expiresIn);
            json.WriteEndObject();
        }

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
        response.Headers.XContentTypeOptions = "nosniff";
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.WrittenCount;
        await response.Body.WriteAsync(body.WrittenMemory, context.RequestAborted);
    }

    /// <summary>
    /// When the credential that authenticated the request expires: the authentication result's <c>ExpiresUtc</c> (cookies,
    /// JWT bearer), else an <c>exp</c> claim.
    /// </summary>
    /// <summary>The issue time of the credential the request was authenticated with: its properties' issue time, else its <c>iat</c> claim.</summary>
    internal static DateTimeOffset? CredentialIssuedAt(HttpContext context)
        => RevocationIdentity.IssuedAt(
            context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult is { Succeeded: true } result ? result.Properties?.IssuedUtc : null,
            context.User);

    internal static DateTimeOffset? CredentialExpiry(HttpContext context)
    {
        if (context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult is { Succeeded: true } result
            && result.Properties?.ExpiresUtc is { } expiresUtc)
        {
            return expiresUtc;
        }

        if (context.User.FindFirst("exp")?.Value is { } exp
            && long.TryParse(exp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        return null;
    }

    /// <summary>One warning per <see cref="StoreFullWarningInterval"/>, counting the refusals in between.</summary>
    private void WarnStoreFull()
    {
        var now = _time.GetTimestamp();
        var next = Interlocked.Read(ref _nextStoreFullWarning);
        if (now < next || Interlocked.CompareExchange(ref _nextStoreFullWarning, now + (long)(StoreFullWarningInterval.TotalSeconds * _time.TimestampFrequency), next) != next)
        {
            Interlocked.Increment(ref _storeFullSuppressed);
            return;
        }

        Log.StoreFull(_logger, Interlocked.Exchange(ref _storeFullSuppressed, 0));
    }

    private async Task RefuseAsync(HttpContext context, int statusCode, string reason)
    {
        _metrics.Refused(reason);
        var remote = context.Connection.RemoteIpAddress;
        if (_rejectionLog.TryTake(remote, reason, out var suppressed))
        {
            Log.Refused(_logger, statusCode, reason, LogSafe.Origin(context.Request.Headers.Origin), remote?.ToString(), context.TraceIdentifier, suppressed);
        }
        else
        {
            Log.RefusedRepeated(_logger, statusCode, reason, LogSafe.Origin(context.Request.Headers.Origin), remote?.ToString(), context.TraceIdentifier);
        }
        var response = context.Response;
        response.StatusCode = statusCode;
        response.Headers.CacheControl = "no-store";
        if (statusCode == StatusCodes.Status503ServiceUnavailable)
        {
            response.Headers.RetryAfter = "1";
        }

        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength = reason.Length; // reason codes are ASCII
        await response.WriteAsync(reason, context.RequestAborted);
    }

    // Event ids 200-299 belong to tickets; never renumber or reuse one. No ticket is ever logged, only the first
    // characters of its id (a hash, useless for redeeming) to correlate issue and redemption.
    private static partial class Log
    {
        [LoggerMessage(200, LogLevel.Debug, "Issued WebSocket ticket {TicketId}, redeemable until {ExpiresAt:O}, bound to {Bindings} (request {RequestId}).", EventName = "TicketIssued")]
        public static partial void Issued(ILogger logger, string ticketId, DateTimeOffset expiresAt, string bindings, string requestId);

        [LoggerMessage(201, LogLevel.Information, "WebSocket ticket request refused with {StatusCode} {Reason} (origin {Origin}, client {RemoteIp}, request {RequestId}); {Suppressed} more from this client for this reason since the last such line were logged at Debug.", EventName = "TicketRequestRefused")]
        public static partial void Refused(ILogger logger, int statusCode, string reason, string? origin, string? remoteIp, string requestId, int suppressed);

        [LoggerMessage(204, LogLevel.Debug, "WebSocket ticket request refused with {StatusCode} {Reason} (origin {Origin}, client {RemoteIp}, request {RequestId}).", EventName = "TicketRequestRefusedRepeated")]
        public static partial void RefusedRepeated(ILogger logger, int statusCode, string reason, string? origin, string? remoteIp, string requestId);

        [LoggerMessage(202, LogLevel.Warning, "The ticket store is full, so a WebSocket ticket request got 503 ticket_store_full ({Suppressed} more since the last warning; at most one every 30 s). Lower WsAuth:Tickets:IssuePermitsPerUser or IssuePermitsPerClient, raise WsAuth:Tickets:MemoryStoreCapacity, or use a shared store such as WsAuth.Postgres.", EventName = "TicketStoreFull")]
        public static partial void StoreFull(ILogger logger, int suppressed);

        [LoggerMessage(203, LogLevel.Error, "The ticket store threw {ExceptionType} while storing a new ticket; the request got 503 store_unavailable.", EventName = "TicketStoreFailed")]
        public static partial void StoreFailed(ILogger logger, string? exceptionType);
    }
}
