using Microsoft.IdentityModel.Tokens;

namespace WsAuth.Internal;

/// <summary>
/// Maps IdentityModel's exceptions to fixed reason codes. Only the type is looked at: the messages can contain the token
/// when <c>IdentityModelEventSource.ShowPII</c> is on, so they are never logged or returned.
/// </summary>
internal static class TokenFailureReasons
{
    public static string FromException(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => WebSocketAuthFailureReasons.Expired,
        SecurityTokenNotYetValidException => WebSocketAuthFailureReasons.NotYetValid,
        SecurityTokenNoExpirationException => WebSocketAuthFailureReasons.MissingExpiration,
        SecurityTokenInvalidIssuerException => WebSocketAuthFailureReasons.InvalidIssuer,
        SecurityTokenInvalidAudienceException => WebSocketAuthFailureReasons.InvalidAudience,
        SecurityTokenInvalidAlgorithmException => WebSocketAuthFailureReasons.AlgorithmNotAllowed,
        SecurityTokenInvalidTypeException => WebSocketAuthFailureReasons.InvalidType,
        SecurityTokenInvalidSignatureException or SecurityTokenInvalidSigningKeyException => WebSocketAuthFailureReasons.InvalidSignature,
        SecurityTokenDecryptionFailedException or SecurityTokenEncryptionKeyNotFoundException or SecurityTokenDecompressionFailedException
            => WebSocketAuthFailureReasons.EncryptedToken,
        SecurityTokenException => WebSocketAuthFailureReasons.InvalidToken,
        // Claims of the wrong JSON type or range ("exp":"soon", "exp":1e400, "iss":[...]): IdentityModel 8 surfaces them as
        // SecurityTokenMalformedException (an ArgumentException) or as one of these.
        ArgumentException or FormatException or OverflowException or InvalidCastException or System.Text.Json.JsonException
            => WebSocketAuthFailureReasons.MalformedToken,
        _ => WebSocketAuthFailureReasons.InvalidToken,
    };
}
