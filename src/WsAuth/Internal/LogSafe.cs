using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace WsAuth.Internal;

/// <summary>Shapes attacker-controlled header values before they reach a log line.</summary>
internal static class LogSafe
{
    private const int MaxLength = 256;

    /// <summary>
    /// The Origin header for a log: at most 256 characters, several values joined, and every character that could fake
    /// a line or reorder what a log viewer shows replaced with <c>?</c>: control characters, U+2028 and U+2029 (line and
    /// paragraph separators), and format characters, among them the bidi controls (U+061C, U+200E, U+200F,
    /// U+202A-U+202E, U+2066-U+2069) and zero-width characters.
    /// </summary>
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
                dest[i] = IsUnsafe(src[i]) ? '?' : src[i];
            }

            if (dest.Length > n)
            {
                dest[n] = '…';
            }
        });
    }

    /// <summary>Whether a character may not appear in a log line as it is.</summary>
    public static bool IsUnsafe(char c)
        => c < ' ' || (c >= '\u007F' && CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Control
            or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned or UnicodeCategory.PrivateUse);
}
