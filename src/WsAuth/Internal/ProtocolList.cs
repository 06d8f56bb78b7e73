using Microsoft.Extensions.Primitives;

namespace WsAuth.Internal;

/// <summary>Parses <c>Sec-WebSocket-Protocol</c>: comma-separated tokens over one or more header lines.</summary>
internal static class ProtocolList
{
    public static List<string> Parse(StringValues values)
    {
        var result = new List<string>();
        foreach (var value in values)
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            foreach (var range in value.AsSpan().Split(','))
            {
                var entry = value.AsSpan(range).Trim(" \t");
                if (!entry.IsEmpty)
                {
                    // A header line that is one bare entry (the common case) is handed out as is, not copied.
                    result.Add(entry.Length == value.Length ? value : entry.ToString());
                }
            }
        }

        return result;
    }
}
