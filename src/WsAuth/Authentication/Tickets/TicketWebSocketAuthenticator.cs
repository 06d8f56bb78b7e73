using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace WsAuth.Internal;

/// <summary>
/// Redeems a ticket from the query string (or, when configured, a <c>Sec-WebSocket-Protocol</c> entry). The store
/// consumes it atomically first, so a ticket authenticates at most one handshake ever; then its expiry and bindings are
/// checked. A presented ticket that fails any check is burned and the handshake is rejected.
/// </summary>
internal sealed partial class TicketWebSocketAuthenticator : IWebSocketAuthenticator, IProtocolCredentialCarrier
{
    private const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    private readonly IWebSocketTicketStore _store;
    private readonly IDataSerializer<ClaimsPrincipal> _serializer;
    private readonly string _queryParameter;
    private readonly string? _subprotocolPrefix;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public TicketWebSocketAuthenticator(
        IOptions<WebSocketTicketOptions> options,
        IOptions<WebSocketAuthOptions> authOptions,
        IWebSocketTicketStore store,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        var ticketOptions = options.Value;
        _store = store;
        _serializer = ticketOptions.PrincipalSerializer ?? TicketPrincipalSerializer.Instance;
        _queryParameter = ticketOptions.QueryParameter;
        _subprotocolPrefix = string.IsNullOrEmpty(ticketOptions.SubprotocolPrefix) ? null : ticketOptions.SubprotocolPrefix;
        _time = authOptions.Value.TimeProvider ?? timeProvider;
        _logger = loggerFactory.CreateLogger<TicketWebSocketAuthenticator>();

        if (loggerFactory.CreateLogger(HostingDiagnosticsCategory).IsEnabled(LogLevel.Information))
        {
            Log.UrlsAreLogged(_logger, HostingDiagnosticsCategory, ticketOptions.Lifetime);
        }
    }

    public async ValueTask<WebSocketAuthenticateResult> AuthenticateAsync(WebSocketAuthenticateContext context, CancellationToken cancellationToken)
    {
        var fromQuery = ExactQuery.Get(context.HttpContext.Request, _queryParameter);
        if (AsAccessToken(context.HttpContext))
        {
            fromQuery = StringValues.Concat(fromQuery, FromAccessToken(context.HttpContext.Request));
        }

        string? protocolEntry = null;
        var fromProtocol = 0;
        if (_subprotocolPrefix is not null)
        {
            foreach (var protocol in context.RequestedProtocols)
            {
                if (protocol.StartsWith(_subprotocolPrefix, StringComparison.Ordinal))
                {
                    protocolEntry ??= protocol;
                    fromProtocol++;
                }
            }
        }

        switch (fromQuery.Count + fromProtocol)
        {
            case 0:
                return WebSocketAuthenticateResult.NoCredentials;
            case > 1:
                return WebSocketAuthenticateResult.Fail(WebSocketAuthFailureReasons.TicketMultiple, StatusCodes.Status400BadRequest);
        }

        string ticket;
        if (protocolEntry is not null)
        {
            context.HideRequestedProtocol(protocolEntry);
            if (context.RequestedProtocols.Count == 0)
            {
                // Checked before redeeming: a browser would fail this handshake after the 101, burning the ticket for nothing.
                return WebSocketAuthenticateResult.Fail(WebSocketAuthFailureReasons.TicketProtocolRequired, StatusCodes.Status400BadRequest);
            }

            context.FallbackProtocol ??= context.RequestedProtocols[0];
            ticket = protocolEntry[_subprotocolPrefix!.Length..];
        }
        else
        {
            ticket = fromQuery[0] ?? string.Empty;
        }

        if (!TicketCodec.TryGetId(ticket, out var ticketId))
        {
            return WebSocketAuthenticateResult.Fail(WebSocketAuthFailureReasons.TicketMalformed);
        }

        byte[]? data;
        try
        {
            data = await _store.ConsumeAsync(ticketId, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Fail closed. Only the type is logged; the store logs its own details.
            Log.StoreFailed(_logger, ex.GetType().FullName, TicketCodec.LogId(ticketId));
            return WebSocketAuthenticateResult.Fail(WebSocketAuthFailureReasons.StoreUnavailable, StatusCodes.Status503ServiceUnavailable);
        }

        var logId = TicketCodec.LogId(ticketId);
        if (data is null)
        {
            return Reject(logId, WebSocketAuthFailureReasons.TicketInvalid);
        }

        if (!TicketEnvelope.TryRead(data, out var envelope))
        {
            Log.Unreadable(_logger, logId);
            return Reject(logId, WebSocketAuthFailureReasons.TicketInvalid);
        }

        if (_time.GetUtcNow() >= envelope.ExpiresAt)
        {
            return Reject(logId, WebSocketAuthFailureReasons.TicketExpired);
        }

        if (envelope.Bindings.HasFlag(TicketBindings.Origin) && !string.Equals(envelope.Origin, context.Origin, StringComparison.Ordinal))
        {
            return Reject(logId, WebSocketAuthFailureReasons.TicketOriginMismatch);
        }

        if (envelope.Bindings.HasFlag(TicketBindings.ClientIp)
            && !string.Equals(envelope.ClientIp, TicketRequestValues.ClientIp(context.HttpContext), StringComparison.Ordinal))
        {
            return Reject(logId, WebSocketAuthFailureReasons.TicketClientMismatch);
        }

        if (envelope.Bindings.HasFlag(TicketBindings.Path)
            && (envelope.Path is null || !TicketRequestValues.PathMatches(envelope.Path, context.HttpContext.Request.Path)))
        {
            return Reject(logId, WebSocketAuthFailureReasons.TicketPathMismatch);
        }

        ClaimsPrincipal? principal;
        try
        {
            principal = _serializer.Deserialize(envelope.Principal);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.PrincipalUnreadable(_logger, logId, ex.GetType().FullName);
            return Reject(logId, WebSocketAuthFailureReasons.TicketInvalid);
        }

        if (principal?.Identity?.IsAuthenticated != true)
        {
            Log.PrincipalUnreadable(_logger, logId, null);
            return Reject(logId, WebSocketAuthFailureReasons.TicketInvalid);
        }

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.Redeemed(_logger, logId, context.HttpContext.TraceIdentifier); // TraceIdentifier would be kept as long as the socket
        }

        // The session lives as long as the credential that obtained the ticket, not the ticket's few seconds.
        return WebSocketAuthenticateResult.Success(principal, envelope.CredentialExpiresAt, envelope.CredentialIssuedAt);
    }

    /// <summary>Whether the endpoint opted into tickets where SignalR clients send their access token.</summary>
    internal static bool AsAccessToken(HttpContext context)
        => context.GetEndpoint()?.Metadata.GetMetadata<WebSocketTicketsAsAccessTokenAttribute>() is not null;

    /// <summary>
    /// The ticket-shaped values of <c>access_token</c> (exact name, AV7) and of <c>Authorization: Bearer</c>. Other values
    /// there (a JWT) are not tickets: they are left to the methods the app registered for them.
    /// </summary>
    private static StringValues FromAccessToken(HttpRequest request)
    {
        StringValues found = default;
        foreach (var value in ExactQuery.Get(request, WebSocketAuthDefaults.QueryTokenParameter))
        {
            if (TicketCodec.IsTicketShaped(value))
            {
                found = StringValues.Concat(found, value);
            }
        }

        foreach (var value in request.Headers.Authorization)
        {
            if (AuthorizationHeader.HasScheme(value, AuthorizationHeader.BearerScheme, out var credentials) && TicketCodec.IsTicketShaped(credentials))
            {
                found = StringValues.Concat(found, credentials.ToString());
            }
        }

        return found;
    }

    private WebSocketAuthenticateResult Reject(string logId, string reason)
    {
        Log.Rejected(_logger, logId, reason);
        return WebSocketAuthenticateResult.Fail(reason);
    }

    // Event ids 200-299 belong to tickets; never renumber or reuse one.
    private static partial class Log
    {
        [LoggerMessage(210, LogLevel.Debug, "WebSocket ticket {TicketId} redeemed (request {RequestId}).", EventName = "TicketRedeemed")]
        public static partial void Redeemed(ILogger logger, string ticketId, string requestId);

        [LoggerMessage(211, LogLevel.Debug, "WebSocket ticket {TicketId} rejected: {Reason}.", EventName = "TicketRejected")]
        public static partial void Rejected(ILogger logger, string ticketId, string reason);

        [LoggerMessage(212, LogLevel.Error, "The ticket store threw {ExceptionType} while redeeming ticket {TicketId}; the handshake got 503 store_unavailable.", EventName = "TicketStoreFailedOnRedeem")]
        public static partial void StoreFailed(ILogger logger, string? exceptionType, string ticketId);

        [LoggerMessage(213, LogLevel.Warning, "The stored data of WebSocket ticket {TicketId} is not a ticket this version of WsAuth can read; the handshake was rejected.", EventName = "TicketUnreadable")]
        public static partial void Unreadable(ILogger logger, string ticketId);

        [LoggerMessage(214, LogLevel.Warning, "The principal serializer could not read the user of WebSocket ticket {TicketId} ({ExceptionType}); the handshake was rejected.", EventName = "TicketPrincipalUnreadable")]
        public static partial void PrincipalUnreadable(ILogger logger, string ticketId, string? exceptionType);

        [LoggerMessage(215, LogLevel.Warning, "Request URLs are logged at Information by {Category}, so redeemed WebSocket tickets (?ticket=...) appear in logs. A logged ticket is already used or expires within {Lifetime}, but to keep them out set Logging:LogLevel:{Category}=Warning, or configure WebSocketTicketOptions.SubprotocolPrefix.", EventName = "TicketUrlsLogged")]
        public static partial void UrlsAreLogged(ILogger logger, string category, TimeSpan lifetime);
    }

    public void HideCredentialEntries(WebSocketAuthenticateContext context)
    {
        if (_subprotocolPrefix is null)
        {
            return;
        }

        foreach (var protocol in context.RequestedProtocols.ToArray())
        {
            if (protocol.StartsWith(_subprotocolPrefix, StringComparison.Ordinal))
            {
                context.HideRequestedProtocol(protocol);
            }
        }
    }
}
