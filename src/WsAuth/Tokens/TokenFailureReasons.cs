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
        // Claims of the wrong JSON type or range ("exp":"soon", "exp":1e400, "iss":[...]): 6.8.0 surfaces them as these,
        // or as exceptions of its internalized Json.NET.
        ArgumentException or FormatException or OverflowException or InvalidCastException => WebSocketAuthFailureReasons.MalformedToken,
        { } e when e.GetType().Namespace?.StartsWith("Microsoft.IdentityModel.Json", StringComparison.Ordinal) == true
            || e.GetType().Namespace?.StartsWith("Newtonsoft.Json", StringComparison.Ordinal) == true => WebSocketAuthFailureReasons.MalformedToken,
        _ => WebSocketAuthFailureReasons.InvalidToken,
    };
}
