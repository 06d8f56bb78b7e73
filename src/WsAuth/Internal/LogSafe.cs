using Microsoft.Extensions.Primitives;

namespace WsAuth.Internal;

/// <summary>Shapes attacker-controlled header values before they reach a log line.</summary>
internal static class LogSafe
{
    private const int MaxLength = 256;

    /// <summary>The Origin header for a log: at most 256 characters, control characters replaced, several values joined.</summary>
    public static string? Origin(StringValues values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var joined = values.Count == 1 ? values[0] ?? string.Empty : string.Join(" | ", values.ToArray());
        var length = Math.Min(joined.Length, MaxLength);
        return string.Create(length + (joined.Length > MaxLength ? 1 : 0), joined, static (dest, src) =>
        {
            var n = Math.Min(src.Length, MaxLength);
            for (var i = 0; i < n; i++)
            {
                dest[i] = char.IsControl(src[i]) ? '?' : src[i];
            }

            if (dest.Length > n)
            {
                dest[n] = '…';
            }
        });
    }
}
