using System.Text;
using System.Text.Json;

namespace WsAuth.Internal;

/// <summary>
/// Recognizes a client message in WsAuth's control namespace (<c>{"type":"wsauth.…"}</c>) by the same test the
/// browser client applies to what it receives (<c>parseControlMessage</c> in clients/js): a text message containing
/// <c>"wsauth.</c>, which after leading whitespace is a JSON object with a string <c>type</c> starting with
/// <c>wsauth.</c> (duplicates included: JSON.parse keeps the last). Such a message could be relayed by an app to
/// other users, whose client would act on it; so it never reaches endpoint code.
/// </summary>
internal static class ReservedControlMessages
{
    /// <summary>
    /// The longest message inspected: the browser client ignores messages over 4096 UTF-16 units, and a UTF-8 message of
    /// more than 3 bytes per unit cannot exist, so anything longer is harmless.
    /// </summary>
    public const int ScanLimit = 3 * 4096;

    private static ReadOnlySpan<byte> Marker => "\"wsauth."u8;

    /// <summary>Whether the start of a text message may begin such a message (whitespace, non-ASCII, or <c>{</c>).</summary>
    public static bool MayStartOne(ReadOnlySpan<byte> start)
        => start.IsEmpty || start[0] is (byte)'{' or (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0B or 0x0C or >= 0x80;

    /// <summary>Whether this whole text message is in the reserved namespace.</summary>
    public static bool IsReserved(ReadOnlySpan<byte> message)
    {
        if (message.Length > ScanLimit || message.IndexOf(Marker) < 0)
        {
            return false;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(message);
        }
        catch (DecoderFallbackException)
        {
            return false; // not a text message a browser would deliver
        }

        // JavaScript's trimStart: whitespace and line terminators, and U+FEFF, which .NET does not count as whitespace.
        var start = 0;
        while (start < text.Length && (char.IsWhiteSpace(text[start]) || text[start] == '\uFEFF'))
        {
            start++;
        }

        if (start == text.Length || text[start] != '{')
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(text.AsMemory(start));
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.NameEquals("type"u8) && property.Value.ValueKind == JsonValueKind.String
                    && property.Value.GetString()!.StartsWith("wsauth.", StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }

        return false;
    }
}
