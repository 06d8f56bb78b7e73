using System.Security.Cryptography;

namespace WsAuth.Internal;

/// <summary>Session ids: 96 random bits, base64url (16 characters). Not secrets: they name a socket to close.</summary>
internal static class SessionIds
{
    public static string New()
    {
        Span<byte> bytes = stackalloc byte[12];
        RandomNumberGenerator.Fill(bytes);
        return System.Buffers.Text.Base64Url.EncodeToString(bytes);
    }
}
