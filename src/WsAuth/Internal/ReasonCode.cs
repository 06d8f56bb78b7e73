namespace WsAuth.Internal;

/// <summary>Reason codes go to logs, metric tags and responses, so they are constrained to a tiny alphabet.</summary>
internal static class ReasonCode
{
    public const int MaxLength = 64;

    public static bool IsValid(string? reason)
    {
        if (string.IsNullOrEmpty(reason) || reason.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in reason)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c is not ('_' or '.' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Validates a rejection: its reason code and an HTTP error status (400 to 599).</summary>
    public static void ThrowIfInvalidRejection(string? reason, int statusCode)
    {
        ThrowIfInvalid(reason);
        if (statusCode is < 400 or > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "A rejection status code must be between 400 and 599.");
        }
    }

    public static void ThrowIfInvalid(string? reason)
    {
        if (!IsValid(reason))
        {
            // The value is not echoed: a caller that put a credential in it must not see it in an exception message.
            throw new ArgumentException("A failure reason must be 1 to 64 characters of a-z, 0-9, '_', '.' and '-'.", nameof(reason));
        }
    }
}
