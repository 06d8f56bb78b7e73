using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace WsAuth.Internal;

/// <summary>
/// Makes tickets and their ids. A ticket is 32 bytes (256 bits) from the CSPRNG in unpadded base64url (43 characters);
/// its id, the only thing a store ever sees, is the base64url SHA-256 of those bytes.
/// </summary>
internal static class TicketCodec
{
    public const int TicketBytes = 32;
    public const int TicketLength = 43;

    /// <summary>How many characters of the id appear in logs: enough to correlate issue and redemption, useless to an attacker.</summary>
    private const int LogIdLength = 12;

    public static string NewTicket(out string ticketId)
    {
        Span<byte> raw = stackalloc byte[TicketBytes];
        RandomNumberGenerator.Fill(raw);
        var ticket = Base64Url.EncodeToString(raw);
        ticketId = IdOf(raw);
        CryptographicOperations.ZeroMemory(raw);
        return ticket;
    }

    /// <summary>
    /// Computes the id of a presented ticket, or returns <see langword="false"/> when it is not exactly the canonical
    /// encoding of 32 bytes (so one ticket has one spelling and garbage never reaches the store).
    /// </summary>
    public static bool TryGetId(ReadOnlySpan<char> ticket, [NotNullWhen(true)] out string? ticketId)
    {
        ticketId = null;
        if (ticket.Length != TicketLength)
        {
            return false;
        }

        foreach (var c in ticket)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_'))
            {
                return false;
            }
        }

        Span<byte> raw = stackalloc byte[TicketBytes + 1];
        // The OperationStatus overload: TryDecodeFromChars throws on a non-canonical last character, and garbage must
        // never become an exception (a 500) here.
        if (Base64Url.DecodeFromChars(ticket, raw, out _, out var written) != OperationStatus.Done || written != TicketBytes)
        {
            return false;
        }

        raw = raw[..TicketBytes];
        Span<char> canonical = stackalloc char[TicketLength];
        if (!Base64Url.TryEncodeToChars(raw, canonical, out var charsWritten) || charsWritten != TicketLength || !canonical.SequenceEqual(ticket))
        {
            CryptographicOperations.ZeroMemory(raw);
            return false;
        }

        ticketId = IdOf(raw);
        CryptographicOperations.ZeroMemory(raw);
        return true;
    }

    /// <summary>
    /// Whether a value is shaped like a ticket (43 base64url characters): what decides, where a ticket shares its place
    /// with other credentials (SignalR's <c>access_token</c> and bearer header), which method a value belongs to.
    /// </summary>
    public static bool IsTicketShaped(ReadOnlySpan<char> value)
    {
        if (value.Length != TicketLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The part of an id that may be logged.</summary>
    public static string LogId(string ticketId) => ticketId.Length > LogIdLength ? ticketId[..LogIdLength] : ticketId;

    private static string IdOf(ReadOnlySpan<byte> raw)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(raw, hash);
        return Base64Url.EncodeToString(hash);
    }
}
