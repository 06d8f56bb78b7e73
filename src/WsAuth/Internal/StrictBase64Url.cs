using System.Buffers.Text;

namespace WsAuth.Internal;

/// <summary>
/// Unpadded base64url (RFC 4648 §5) as JWTs and subprotocol tokens use it, decoded strictly: only <c>A-Z a-z 0-9 - _</c>,
/// no padding, no whitespace (the framework decoders skip whitespace and accept padding, so the characters are checked
/// here first).
/// </summary>
internal static class StrictBase64Url
{
    public static bool IsAlphabet(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';

    /// <summary>Whether <paramref name="text"/> is non-empty unpadded base64url with a possible length.</summary>
    public static bool IsValid(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty || text.Length % 4 == 1)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!IsAlphabet(c))
            {
                return false;
            }
        }

        return true;
    }

    public static int MaxDecodedLength(int encodedLength) => Base64Url.GetMaxDecodedLength(encodedLength);

    /// <summary>Decodes <paramref name="text"/> into <paramref name="destination"/>, which holds <see cref="MaxDecodedLength"/> bytes.</summary>
    public static bool TryDecode(ReadOnlySpan<char> text, Span<byte> destination, out int written)
    {
        if (!IsValid(text))
        {
            written = 0;
            return false;
        }

        try
        {
            return Base64Url.TryDecodeFromChars(text, destination, out written);
        }
        catch (FormatException)
        {
            written = 0;
            return false; // non-zero trailing bits: not the canonical encoding
        }
    }
}
