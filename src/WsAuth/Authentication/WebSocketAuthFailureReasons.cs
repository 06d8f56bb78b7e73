namespace WsAuth;

/// <summary>
/// The machine-readable reasons WsAuth itself uses when it rejects a handshake. They appear in logs, in the
/// <c>wsauth.reason</c> metric tag, in <see cref="WebSocketRejectedContext.Reason"/> and as the response body.
/// </summary>
public static class WebSocketAuthFailureReasons
{
    /// <summary>400: more than one <c>Origin</c> header.</summary>
    public const string MultipleOrigins = "origin_multiple";

    /// <summary>403: the <c>Origin</c> header is not a serialized origin.</summary>
    public const string OriginMalformed = "origin_malformed";

    /// <summary>403: the origin is not on the allow-list.</summary>
    public const string OriginNotAllowed = "origin_not_allowed";

    /// <summary>403: <c>Origin: null</c> and <see cref="WebSocketAuthOptions.AllowNullOrigin"/> is off.</summary>
    public const string OriginNull = "origin_null";

    /// <summary>403: no <c>Origin</c> header and <see cref="WebSocketAuthOptions.MissingOrigin"/> rejects that.</summary>
    public const string OriginMissing = "origin_missing";

    /// <summary>403: an ambient credential (a cookie) without an allowed, present Origin.</summary>
    public const string OriginRequired = "origin_required";

    /// <summary>403: a plain <c>ws://</c> handshake while <see cref="WebSocketAuthOptions.RequireSecureTransport"/> is on.</summary>
    public const string InsecureTransport = "insecure_transport";

    /// <summary>401: no authenticator found a credential.</summary>
    public const string NoCredentials = "no_credentials";

    /// <summary>401: a credential was present but not valid.</summary>
    public const string InvalidCredentials = "invalid_credentials";

    /// <summary>401: the credential has expired.</summary>
    public const string Expired = "expired";

    /// <summary>403: the user is authenticated but an authorization policy of the endpoint failed.</summary>
    public const string Forbidden = "forbidden";

    /// <summary>500: an authenticator threw an exception.</summary>
    public const string AuthenticatorError = "authenticator_error";

    /// <summary>Close 4400: the first message or a refresh message is not in the expected format (or is binary).</summary>
    public const string MessageMalformed = "message_malformed";

    /// <summary>Close 4400: the first message or a refresh message is larger than allowed.</summary>
    public const string MessageTooLarge = "message_too_large";

    /// <summary>Close 4408: no valid first message before the deadline.</summary>
    public const string AuthenticationTimeout = "auth_timeout";

    /// <summary>Close 4403: a refresh token was valid but for another subject.</summary>
    public const string SubjectMismatch = "subject_mismatch";

    /// <summary>429: too many sockets are waiting for their first message (from this client, or in total).</summary>
    public const string TooManyPending = "too_many_pending";

    /// <summary>429: too many handshakes from this client IP in the window.</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>429 (close 4429 after a first message): too many handshakes by this user in the window.</summary>
    public const string UserRateLimited = "user_rate_limited";

    /// <summary>429: this client IP presented too many rejected credentials and is locked out for a while.</summary>
    public const string LockedOut = "locked_out";
}
