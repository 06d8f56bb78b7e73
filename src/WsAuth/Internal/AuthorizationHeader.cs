using Microsoft.Extensions.Primitives;

namespace WsAuth.Internal;

/// <summary>Reads the <c>Authorization</c> header's scheme (case-insensitive, RFC 9110 §11.1).</summary>
internal static class AuthorizationHeader
{
    public const string BearerScheme = "Bearer";
    public const string BasicScheme = "Basic";

    /// <summary>Whether every <c>Authorization</c> value uses the Basic scheme (a <c>user:pass@host</c> URL), so nothing else was presented there.</summary>
    public static bool IsOnlyBasic(StringValues values)
    {
        if (values.Count == 0)
        {
            return false;
        }

        foreach (var value in values)
        {
            if (!HasScheme(value, BasicScheme, out _))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether <paramref name="value"/> uses <paramref name="scheme"/>; <paramref name="credentials"/> is what follows the
    /// scheme and its whitespace, trimmed (empty when nothing follows).
    /// </summary>
    public static bool HasScheme(string? value, string scheme, out ReadOnlySpan<char> credentials)
    {
        credentials = default;
        var span = value.AsSpan().Trim(" \t");
        if (!span.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = span[scheme.Length..];
        if (!rest.IsEmpty && rest[0] is not (' ' or '\t'))
        {
            return false; // "Bearerx": another scheme
        }

        credentials = rest.Trim(" \t");
        return true;
    }
}
