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
}
