using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WsAuth.Internal;

/// <summary>
/// The first-message method: a stage after the upgrade, not a handshake authenticator. When no handshake authenticator
/// found a credential, the middleware accepts the socket and this reads one message, within the size cap and the
/// deadline, and validates its token with the registered <see cref="IWebSocketTokenValidator"/>; the admission then
/// completes in the same stage as a handshake's (<c>CompleteAdmissionAsync</c>).
/// </summary>
internal sealed partial class FirstMessageStage : IDisposable
{
    private readonly TimeSpan _deadline;
    private readonly int _maxMessageSize;
    private readonly PendingSocketLimiter _pending;
    private readonly IWebSocketAuthMessageParser _parser;
    private readonly ILogger _logger;

    /// <summary>The log category, unchanged since the first release (log filters name it).</summary>
    internal const string LogCategory = "WsAuth.Internal.FirstMessageAuthenticator";

    public FirstMessageStage(IOptions<WebSocketFirstMessageOptions> options, IServiceProvider services, ILoggerFactory loggerFactory)
    {
        var value = options.Value;
        _deadline = value.Deadline;
        _maxMessageSize = value.MaxMessageSize;
        SendAcknowledgement = value.SendAcknowledgement;
        _pending = new PendingSocketLimiter(value.MaxPendingSockets, value.MaxPendingSocketsPerClient, value.MaxPendingSocketsPerNetwork);
        _parser = services.GetService<IWebSocketAuthMessageParser>() ?? JsonWebSocketAuthMessageParser.Instance;
        _logger = loggerFactory.CreateLogger(LogCategory);
    }

    public bool SendAcknowledgement { get; }

    /// <summary>How long a client should wait before retrying when the pending caps are full: a slot frees within the deadline.</summary>
    public TimeSpan Deadline => _deadline;

    /// <summary>
    /// The deadline of a socket that starts waiting now: a quarter of the configured one (at least 1 s, never more) while
    /// the pool is more than three quarters full, so that a pool under pressure drains faster.
    /// </summary>
    public TimeSpan CurrentDeadline => _pending.UnderPressure ? TimeSpan.FromTicks(Math.Min(_deadline.Ticks, Math.Max(TimeSpan.TicksPerSecond, _deadline.Ticks / 4))) : _deadline;

    /// <summary>A slot among the sockets waiting for their first message; not acquired when a cap is reached.</summary>
    public RateLimitLease TryAcquirePending(IPAddress client) => _pending.TryAcquire(client);

    /// <summary>
    /// Reads and validates the first message of an accepted socket. When the deadline passes first, the socket has
    /// already been closed with 4408 (and the client's close frame awaited for the grace period) when this returns;
    /// every other failure is for the caller to close.
    /// </summary>
    public async Task<FirstMessageOutcome> ReceiveAsync(WebSocket socket, HttpContext context, TimeProvider time, bool policyViolation)
    {
        // Reads stop when the client goes away or, after a missed deadline, when the grace period ends.
        using var receiveStop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        using var deadline = new CancellationTokenSource(CurrentDeadline, time);
        using var validationStop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, deadline.Token);
        using var guard = new DeadlineGuard(socket, context, receiveStop, policyViolation, time);
        var buffer = ArrayPool<byte>.Shared.Rent(_maxMessageSize);
        var registration = deadline.Token.UnsafeRegister(static s => ((DeadlineGuard)s!).Expire(), guard);
        try
        {
            var (kind, length) = await ReadAsync(socket, buffer.AsMemory(0, _maxMessageSize), receiveStop.Token);
            FirstMessageOutcome outcome;
            switch (guard.TimedOut ? ReadKind.Late : kind)
            {
                case ReadKind.Late:
                    outcome = FirstMessageOutcome.TimedOut; // arrived after the deadline: never validated
                    break;
                case ReadKind.PeerClosed:
                    outcome = FirstMessageOutcome.ClientGone;
                    break;
                case ReadKind.TooLarge:
                    outcome = FirstMessageOutcome.Reject(WebSocketAuthCloseCodes.Malformed, WebSocketAuthFailureReasons.MessageTooLarge, countsAsFailure: true);
                    break;
                case ReadKind.Binary:
                    outcome = FirstMessageOutcome.Reject(WebSocketAuthCloseCodes.Malformed, WebSocketAuthFailureReasons.MessageMalformed, countsAsFailure: true);
                    break;
                default:
                    var parsed = _parser.TryReadAuthMessage(buffer.AsSpan(0, length), out var token);
                    buffer.AsSpan(0, length).Clear();
                    outcome = parsed && !string.IsNullOrEmpty(token)
                        ? await ValidateAsync(token, context, validationStop.Token)
                        : FirstMessageOutcome.Reject(WebSocketAuthCloseCodes.Malformed, WebSocketAuthFailureReasons.MessageMalformed, countsAsFailure: true);
                    break;
            }

            if (guard.TryFinish())
            {
                return outcome;
            }
        }
        catch (Exception ex) when (guard.TimedOut || (deadline.IsCancellationRequested && ex is OperationCanceledException))
        {
            guard.Expire(); // in case the cancelled validation got here before the deadline callback ran
        }
        catch (Exception ex) when (WebSocketCloser.IsConnectionFailure(ex))
        {
            guard.TryFinish();
            return FirstMessageOutcome.ClientGone;
        }
        finally
        {
            registration.Dispose(); // waits for a running deadline callback, which only starts the close
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }

        // The deadline passed first: the close frame is on its way; linger for the client's, then give up.
        if (await guard.Closed)
        {
            await WebSocketCloser.DrainAsync(socket, receiveStop.Token);
        }

        return FirstMessageOutcome.TimedOut;
    }

    public void Dispose() => _pending.Dispose();

    private static async Task<(ReadKind Kind, int Length)> ReadAsync(WebSocket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                return (ReadKind.TooLarge, length); // the message goes on past the cap: stop reading it
            }

            var result = await socket.ReceiveAsync(buffer[length..], cancellationToken);
            switch (result.MessageType)
            {
                case WebSocketMessageType.Close:
                    return (ReadKind.PeerClosed, 0);
                case WebSocketMessageType.Binary:
                    return (ReadKind.Binary, 0);
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return (ReadKind.Text, length);
            }
        }
    }

    private async Task<FirstMessageOutcome> ValidateAsync(string token, HttpContext context, CancellationToken cancellationToken)
    {
        WebSocketAuthenticateResult? result;
        try
        {
            var validator = context.RequestServices.GetService<IWebSocketTokenValidator>()
                ?? throw new InvalidOperationException("No IWebSocketTokenValidator is registered.");
            result = await validator.ValidateAsync(token, context, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Only the type: exception messages from token libraries can carry the token.
            Log.ValidatorThrew(_logger, ex.GetType().FullName, context.TraceIdentifier);
            result = CredentialOutcomes.Threw;
        }

        if (result is null)
        {
            Log.ValidatorReturnedNull(_logger, context.TraceIdentifier);
        }

        // One mapping and one lockout rule for every path (CredentialOutcomes).
        var mapped = CredentialOutcomes.Of(result);
        return mapped.Succeeded
            ? FirstMessageOutcome.Authenticate(mapped.Principal, mapped.ExpiresAt, mapped.IssuedAt)
            : FirstMessageOutcome.Reject(CredentialOutcomes.CloseCode(mapped), mapped.FailureReason!, CredentialOutcomes.CountsTowardLockout(mapped));
    }

    private enum ReadKind
    {
        Late,
        Text,
        Binary,
        TooLarge,
        PeerClosed,
    }

    /// <summary>
    /// Closes the socket with 4408 when the deadline passes, concurrently with a pending receive (one send and one receive
    /// may overlap). The receive is left running so that the client's close frame can arrive; it is stopped when the grace
    /// period ends. Exactly one of <see cref="Expire"/> and <see cref="TryFinish"/> wins.
    /// </summary>
    private sealed class DeadlineGuard(WebSocket socket, HttpContext context, CancellationTokenSource receiveStop, bool policyViolation, TimeProvider time)
        : IDisposable
    {
        private const int Running = 0;
        private const int Expired = 1;
        private const int Finished = 2;

        private readonly TaskCompletionSource<bool> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private CancellationTokenSource? _grace;
        private int _state;

        public bool TimedOut => Volatile.Read(ref _state) == Expired;

        /// <summary>Completes when the close frame is out (true) or the connection was aborted instead (false).</summary>
        public Task<bool> Closed => _closed.Task;

        public bool TryFinish() => Interlocked.CompareExchange(ref _state, Finished, Running) == Running;

        public void Expire()
        {
            if (Interlocked.CompareExchange(ref _state, Expired, Running) == Running)
            {
                _ = CloseAsync();
            }
        }

        public void Dispose() => Interlocked.Exchange(ref _grace, null)?.Dispose();

        private async Task CloseAsync()
        {
            var sent = false;
            try
            {
                sent = await WebSocketCloser.SendCloseAsync(socket, WebSocketAuthCloseCodes.AuthTimeout, WebSocketAuthFailureReasons.AuthenticationTimeout, policyViolation, time, context);
            }
            finally
            {
                if (sent)
                {
                    _grace = WebSocketCloser.LingerThenStop(receiveStop, time);
                }
                else
                {
                    WebSocketCloser.StopQuietly(receiveStop);
                }

                _closed.TrySetResult(sent);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(401, LogLevel.Error, "The token validator threw {ExceptionType} on a first message; the socket was closed with 1011. The exception message is not logged because it may contain the token (request {RequestId}).", EventName = "FirstMessageValidatorThrew")]
        public static partial void ValidatorThrew(ILogger logger, string? exceptionType, string requestId);

        [LoggerMessage(402, LogLevel.Error, "The token validator returned null on a first message; the socket was closed with 1011 (request {RequestId}).", EventName = "FirstMessageValidatorReturnedNull")]
        public static partial void ValidatorReturnedNull(ILogger logger, string requestId);
    }
}

/// <summary>What happened to a socket's first message.</summary>
internal sealed class FirstMessageOutcome
{
    private FirstMessageOutcome(FirstMessageOutcomeKind kind, ClaimsPrincipal? principal, DateTimeOffset? expiresAt, int closeCode, string reason, bool countsAsFailure)
    {
        Kind = kind;
        Principal = principal;
        ExpiresAt = expiresAt;
        CloseCode = closeCode;
        Reason = reason;
        CountsAsFailure = countsAsFailure;
    }

    /// <summary>The client closed or went away without a valid first message: silence, which counts like a missed deadline.</summary>
    public static FirstMessageOutcome ClientGone { get; } = new(FirstMessageOutcomeKind.ClientGone, null, null, 0, "client_gone", true);

    public static FirstMessageOutcome TimedOut { get; } = new(FirstMessageOutcomeKind.TimedOut, null, null, WebSocketAuthCloseCodes.AuthTimeout, WebSocketAuthFailureReasons.AuthenticationTimeout, true);

    public FirstMessageOutcomeKind Kind { get; }

    public ClaimsPrincipal? Principal { get; }

    public DateTimeOffset? ExpiresAt { get; }

    public int CloseCode { get; }

    public string Reason { get; }

    /// <summary>Whether the outcome counts towards the client's lockout (a rejected credential, garbage, silence).</summary>
    public bool CountsAsFailure { get; }

    /// <summary>When the credential was issued, as the validator said (revocation reads the <c>iat</c> claim otherwise).</summary>
    public DateTimeOffset? IssuedAt { get; private init; }

    public static FirstMessageOutcome Authenticate(ClaimsPrincipal principal, DateTimeOffset? expiresAt, DateTimeOffset? issuedAt = null)
        => new(FirstMessageOutcomeKind.Authenticated, principal, expiresAt, 0, string.Empty, false) { IssuedAt = issuedAt };

    public static FirstMessageOutcome Reject(int closeCode, string reason, bool countsAsFailure)
        => new(FirstMessageOutcomeKind.Rejected, null, null, closeCode, reason, countsAsFailure);
}

internal enum FirstMessageOutcomeKind
{
    Authenticated,
    Rejected,
    TimedOut,
    ClientGone,
}
