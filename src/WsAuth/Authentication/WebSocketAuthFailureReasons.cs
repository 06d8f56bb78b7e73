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

    /// <summary>
    /// 401 (close 4401 after the upgrade): the credential was revoked (<see cref="IWebSocketRevocation"/>): it was issued
    /// before a revocation of its user, or its issue time is unknown and its user has a live revocation.
    /// </summary>
    public const string Revoked = "revoked";

    /// <summary>
    /// 503: revocation is on and this instance cannot be sure it knows every revocation (the backplane has been
    /// unreachable longer than <see cref="WebSocketRevocationOptions.MaxStaleness"/>, or never reached).
    /// </summary>
    public const string RevocationUnavailable = "revocation_unavailable";

    /// <summary>403: the user is authenticated but an authorization policy of the endpoint failed.</summary>
    public const string Forbidden = "forbidden";

    /// <summary>500: an authenticator threw an exception.</summary>
    public const string AuthenticatorError = "authenticator_error";

    /// <summary>
    /// 401: the handshake carried only <c>Authorization: Basic</c> credentials (a <c>user:pass@host</c> URL). Basic
    /// authentication is not a WsAuth method.
    /// </summary>
    public const string BasicNotSupported = "basic_not_supported";

    /// <summary>400: the request carries the token more than once (two <c>Authorization</c> headers, two query values, two subprotocol tokens).</summary>
    public const string TokenMultiple = "token_multiple";

    /// <summary>400: the token's place is there but empty (<c>Bearer</c> alone, <c>?access_token=</c>, a marker protocol with nothing after it).</summary>
    public const string TokenMissing = "token_missing";

    /// <summary>400: a subprotocol token is not unpadded base64url of UTF-8 text (padding <c>=</c>, other characters).</summary>
    public const string TokenEncodingInvalid = "token_encoding_invalid";

    /// <summary>400: a subprotocol token was offered without another protocol the server could answer (browsers fail such a handshake).</summary>
    public const string SubprotocolRequired = "subprotocol_required";

    /// <summary>401: the token is longer than the validator's size cap.</summary>
    public const string TokenTooLarge = "token_too_large";

    /// <summary>401: the token is not a well-formed JWS compact JWT (three base64url segments, a JSON header with a unique <c>alg</c>).</summary>
    public const string MalformedToken = "malformed_token";

    /// <summary>401: an encrypted token (five segments, or an <c>enc</c> or <c>zip</c> header); JWE is not accepted.</summary>
    public const string EncryptedToken = "encrypted_token";

    /// <summary>401: the token's <c>alg</c> is not on the allow-list (<c>none</c> never is).</summary>
    public const string AlgorithmNotAllowed = "algorithm_not_allowed";

    /// <summary>401: no configured key verifies the token's signature.</summary>
    public const string InvalidSignature = "invalid_signature";

    /// <summary>401: the token's <c>nbf</c> is in the future, beyond the clock skew.</summary>
    public const string NotYetValid = "not_yet_valid";

    /// <summary>401: the token has no <c>exp</c> claim; WsAuth requires one.</summary>
    public const string MissingExpiration = "missing_expiration";

    /// <summary>401: the token's issuer is not one of the valid issuers.</summary>
    public const string InvalidIssuer = "invalid_issuer";

    /// <summary>401: the token's audience is not one of the valid audiences.</summary>
    public const string InvalidAudience = "invalid_audience";

    /// <summary>401: the token's <c>typ</c> header is not one of the valid types (for example an ID token where an access token is expected).</summary>
    public const string InvalidType = "invalid_type";

    /// <summary>401: the token was rejected for another reason.</summary>
    public const string InvalidToken = "invalid_token";

    /// <summary>500: the token validator could not run (a key resolver threw, the forwarding scheme is missing).</summary>
    public const string TokenValidatorError = "token_validator_error";

    /// <summary>Close 4400: the first message or a refresh message is not in the expected format (or is binary).</summary>
    public const string MessageMalformed = "message_malformed";

    /// <summary>
    /// Close 4400: the client sent a message in WsAuth's control namespace (<c>{"type":"wsauth.…"}</c>), which only the
    /// server may send. It never reaches endpoint code.
    /// </summary>
    public const string ReservedMessageType = "reserved_message_type";

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

    /// <summary>401: the ticket is not a well-formed WsAuth ticket (43 base64url characters); nothing was looked up.</summary>
    public const string TicketMalformed = "ticket_malformed";

    /// <summary>400: more than one ticket in the handshake (repeated query parameter, or both query and subprotocol).</summary>
    public const string TicketMultiple = "ticket_multiple";

    /// <summary>
    /// 401: the ticket is unknown or was already redeemed. Deliberately one code for both: the store forgets a ticket
    /// when it is redeemed, and a reused ticket is indistinguishable from a forged one.
    /// </summary>
    public const string TicketInvalid = "ticket_invalid";

    /// <summary>401: the ticket was found but its lifetime has passed (it is removed either way).</summary>
    public const string TicketExpired = "ticket_expired";

    /// <summary>401: the ticket is bound to the Origin it was issued to, and the handshake came from another one.</summary>
    public const string TicketOriginMismatch = "ticket_origin_mismatch";

    /// <summary>401: the ticket is bound to the client IP address it was issued to, and the handshake came from another one.</summary>
    public const string TicketClientMismatch = "ticket_client_mismatch";

    /// <summary>401: the ticket is bound to a WebSocket path, and the handshake asked for another one.</summary>
    public const string TicketPathMismatch = "ticket_path_mismatch";

    /// <summary>
    /// 400: the ticket came in <c>Sec-WebSocket-Protocol</c> with no application protocol beside it, so the response could
    /// name none (browsers fail such a handshake). Checked before the ticket is redeemed.
    /// </summary>
    public const string TicketProtocolRequired = "ticket_protocol_required";

    /// <summary>503: the ticket store could not be reached in time (issuing or redeeming); nothing was accepted.</summary>
    public const string StoreUnavailable = "store_unavailable";

    /// <summary>503: the in-memory ticket store is at capacity; no ticket was issued.</summary>
    public const string TicketStoreFull = "ticket_store_full";

    /// <summary>
    /// 400: the ticket endpoint requires an antiforgery token (<c>RequireAntiforgeryTokenAttribute</c> with
    /// <c>app.UseAntiforgery()</c>) and the request's token is missing or invalid.
    /// </summary>
    public const string AntiforgeryInvalid = "antiforgery_invalid";

    /// <summary>503: the server refused to upgrade an authenticated handshake (Kestrel's upgraded-connection limit); <c>Retry-After</c> is set.</summary>
    public const string UpgradeRefused = "upgrade_refused";
}
