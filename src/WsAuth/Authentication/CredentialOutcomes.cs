using Microsoft.AspNetCore.Http;

namespace WsAuth.Internal;

/// <summary>
/// The one mapping from a token validator's result to a rejection, shared by the handshake, the first message and a
/// refresh, and the one lockout rule. The paths differ only in how the rejection is sent:
/// <list type="table">
/// <listheader><term>Validator outcome</term><description>Reason; handshake status; close code after the upgrade (first message, refresh); counts toward the handshake lockout</description></listheader>
/// <item><term>succeeded</term><description>the admission continues (policies, <c>OnAuthenticated</c>) or the session is renewed</description></item>
/// <item><term>failed with status <c>s</c></term><description>its reason; <c>s</c>; <c>4000 + s</c> for a 4xx, 1011 for a 5xx; yes when <c>s</c> is 401 and the reason is neither <c>expired</c> nor <c>revoked</c></description></item>
/// <item><term>no result</term><description><c>invalid_credentials</c>; 401; 4401; yes (a token was presented: no later method may decide instead)</description></item>
/// <item><term><see langword="null"/></term><description><c>authenticator_error</c>; 500; 1011; no</description></item>
/// <item><term>threw</term><description><c>authenticator_error</c>; 500; 1011; no (only the exception type is logged)</description></item>
/// </list>
/// Every close code becomes 1008 without a reason when <c>CloseWithPolicyViolation</c> is on.
/// </summary>
internal static class CredentialOutcomes
{
    /// <summary>The rejection for a validator that threw: the exception says nothing about the credential.</summary>
    public static WebSocketAuthenticateResult Threw { get; } = WebSocketAuthenticateResult.Fail(WebSocketAuthFailureReasons.AuthenticatorError, StatusCodes.Status500InternalServerError);

    /// <summary>The result of validating a presented token, as every path treats it (see the table of the class).</summary>
    public static WebSocketAuthenticateResult Of(WebSocketAuthenticateResult? result) => result switch
    {
        null => WebSocketAuthenticateResult.Fail(WebSocketAuthFailureReasons.AuthenticatorError, StatusCodes.Status500InternalServerError),
        { Succeeded: true } or { Failed: true } => result,
        _ => WebSocketAuthenticateResult.Fail(WebSocketAuthFailureReasons.InvalidCredentials),
    };

    /// <summary>The close code of a rejection after the upgrade: <c>4000 + status</c> for a 4xx, 1011 otherwise.</summary>
    public static int CloseCode(WebSocketAuthenticateResult rejection) => CloseCodes.FromStatus(rejection.StatusCode);

    /// <summary>
    /// The one lockout rule: a rejected credential (401) counts toward the handshake lockout of its address, unless it
    /// was merely <c>expired</c> (a legitimate client reconnects with a fresh one) or <c>revoked</c> (the server's decision,
    /// not a guess). Server errors and policy refusals never count.
    /// </summary>
    public static bool CountsTowardLockout(int statusCode, string reason)
        => statusCode == StatusCodes.Status401Unauthorized
            && !string.Equals(reason, WebSocketAuthFailureReasons.Expired, StringComparison.Ordinal)
            && !string.Equals(reason, WebSocketAuthFailureReasons.Revoked, StringComparison.Ordinal);

    /// <inheritdoc cref="CountsTowardLockout(int, string)"/>
    public static bool CountsTowardLockout(WebSocketAuthenticateResult rejection)
        => CountsTowardLockout(rejection.StatusCode, rejection.FailureReason ?? string.Empty);
}
