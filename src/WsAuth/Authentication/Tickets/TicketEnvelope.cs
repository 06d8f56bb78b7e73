using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace WsAuth.Internal;

/// <summary>What a stored ticket carries: its expiry, the credential's expiry, its bindings and the serialized user.</summary>
/// <param name="ExpiresAt">When the ticket stops being redeemable.</param>
/// <param name="CredentialExpiresAt">When the credential that obtained the ticket expires, if known; becomes the session's expiry.</param>
/// <param name="Bindings">Which of <paramref name="Origin"/>, <paramref name="ClientIp"/> and <paramref name="Path"/> are enforced.</param>
/// <param name="Origin">The normalized origin of the issuing request, or <see langword="null"/> when it had none.</param>
/// <param name="ClientIp">The client address of the issuing request, or <see langword="null"/> when unknown.</param>
/// <param name="Path">The WebSocket path the ticket is for.</param>
/// <param name="Principal">The user, as written by the principal serializer.</param>
/// <param name="CredentialIssuedAt">When the credential that obtained the ticket was issued, if known; revocation compares it.</param>
internal sealed record TicketEnvelope(
    DateTimeOffset ExpiresAt,
    DateTimeOffset? CredentialExpiresAt,
    TicketBindings Bindings,
    string? Origin,
    string? ClientIp,
    string? Path,
    byte[] Principal,
    DateTimeOffset? CredentialIssuedAt = null)
{
    // Version 2 adds the credential's issue time at the end; version 1 (no issue time) is still read.
    private const byte FormatVersion = 2;
    private const byte FormatVersion1 = 1;

    public byte[] Write()
    {
        using var buffer = new MemoryStream(64 + Principal.Length);
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(FormatVersion);
            writer.Write(ExpiresAt.ToUnixTimeMilliseconds());
            writer.Write(CredentialExpiresAt.HasValue);
            writer.Write(CredentialExpiresAt?.ToUnixTimeMilliseconds() ?? 0L);
            writer.Write((byte)Bindings);
            WriteString(writer, Origin);
            WriteString(writer, ClientIp);
            WriteString(writer, Path);
            writer.Write7BitEncodedInt(Principal.Length);
            writer.Write(Principal);
            writer.Write(CredentialIssuedAt.HasValue);
            writer.Write(CredentialIssuedAt?.ToUnixTimeMilliseconds() ?? 0L);
        }

        return buffer.ToArray();
    }

    /// <summary>Reads stored data; <see langword="false"/> when it is not a ticket this version of WsAuth wrote.</summary>
    public static bool TryRead(byte[] data, [NotNullWhen(true)] out TicketEnvelope? envelope)
    {
        envelope = null;
        try
        {
            using var reader = new BinaryReader(new MemoryStream(data, writable: false), Encoding.UTF8);
            var version = reader.ReadByte();
            if (version is not (FormatVersion or FormatVersion1))
            {
                return false;
            }

            var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.ReadInt64());
            var hasCredentialExpiry = reader.ReadBoolean();
            var credentialExpiry = reader.ReadInt64();
            var bindings = (TicketBindings)reader.ReadByte();
            var origin = ReadString(reader);
            var clientIp = ReadString(reader);
            var path = ReadString(reader);
            var length = reader.Read7BitEncodedInt();
            var trailer = version == FormatVersion ? 9 : 0;
            if (length < 0 || length != data.Length - reader.BaseStream.Position - trailer)
            {
                return false;
            }

            var principal = reader.ReadBytes(length);
            DateTimeOffset? issuedAt = null;
            if (version == FormatVersion)
            {
                var hasIssuedAt = reader.ReadBoolean();
                var issued = reader.ReadInt64();
                issuedAt = hasIssuedAt ? DateTimeOffset.FromUnixTimeMilliseconds(issued) : null;
            }

            envelope = new TicketEnvelope(
                expiresAt,
                hasCredentialExpiry ? DateTimeOffset.FromUnixTimeMilliseconds(credentialExpiry) : null,
                bindings,
                origin,
                clientIp,
                path,
                principal,
                issuedAt);
            return true;
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or FormatException or ArgumentException or DecoderFallbackException)
        {
            return false;
        }
    }

    private static void WriteString(BinaryWriter writer, string? value)
    {
        writer.Write(value is not null);
        if (value is not null)
        {
            writer.Write(value);
        }
    }

    private static string? ReadString(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadString() : null;
}

/// <summary>The checks a ticket was issued with; stored in the ticket, so a configuration change never loosens an issued one.</summary>
[Flags]
internal enum TicketBindings : byte
{
    None = 0,
    Origin = 1,
    ClientIp = 2,
    Path = 4,
}
