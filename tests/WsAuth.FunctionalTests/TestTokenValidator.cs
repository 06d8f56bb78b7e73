using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace WsAuth.FunctionalTests;

/// <summary>
/// A test <see cref="IWebSocketTokenValidator"/> (issue 3 ships the JWT one). Tokens:
/// <c>valid|sub|exp|anything</c> is valid for subject <c>sub</c>, expiring at the Unix time <c>exp</c> (empty: never);
/// <c>invalid...</c> fails 401 <c>invalid_credentials</c>; <c>expired...</c> fails 401 <c>expired</c>;
/// <c>throw...</c> throws with the token in the message; <c>slow...</c> waits until cancelled.
/// </summary>
internal sealed class TestTokenValidator : IWebSocketTokenValidator
{
    public const string Secret = "s3cr3t-t0k3n-m4rk3r";

    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>A valid token for <paramref name="subject"/>, carrying <see cref="Secret"/> so tests can search logs for it.</summary>
    public static string Token(string subject, DateTimeOffset? expiresAt = null)
        => $"valid|{subject}|{expiresAt?.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}|{Secret}";

    public async ValueTask<WebSocketAuthenticateResult> ValidateAsync(string token, HttpContext context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        if (token.StartsWith("throw", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("could not validate " + token);
        }

        if (token.StartsWith("slow", StringComparison.Ordinal))
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        if (token.StartsWith("return-null", StringComparison.Ordinal))
        {
            return null!; // a broken validator: every path maps it the same way (CredentialOutcomes)
        }

        if (token.StartsWith("return-no-result", StringComparison.Ordinal))
        {
            return WebSocketAuthenticateResult.NoCredentials;
        }

        if (token.StartsWith("revoked", StringComparison.Ordinal))
        {
            return WebSocketAuthenticateResult.Fail(WebSocketAuthFailureReasons.Revoked);
        }

        if (token.StartsWith("expired", StringComparison.Ordinal))
        {
            return WebSocketAuthenticateResult.Fail(WebSocketAuthFailureReasons.Expired);
        }

        var parts = token.Split('|');
        if (parts.Length < 3 || parts[0] != "valid" || parts[1].Length == 0)
        {
            return WebSocketAuthenticateResult.Fail(WebSocketAuthFailureReasons.InvalidCredentials);
        }

        DateTimeOffset? expiresAt = parts[2].Length == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(long.Parse(parts[2], CultureInfo.InvariantCulture));
        var identity = new ClaimsIdentity([new Claim("sub", parts[1]), new Claim(ClaimTypes.Name, parts[1]), new Claim(ClaimTypes.Role, parts[1] == "root" ? "admin" : "user")], "test-token");
        return WebSocketAuthenticateResult.Success(new ClaimsPrincipal(identity), expiresAt);
    }
}
