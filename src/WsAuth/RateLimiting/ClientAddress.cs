using System.Net;
using System.Net.Sockets;

namespace WsAuth.Internal;

/// <summary>The key that identifies a client for limits: its connection's remote IP, IPv6 grouped by network prefix.</summary>
internal static class ClientAddress
{
    /// <summary>The key of connections without an IP (Unix sockets, in-memory servers): they share one budget.</summary>
    public static readonly IPAddress Unknown = IPAddress.IPv6None;

    public static IPAddress Key(IPAddress? address, int ipv6PrefixLength)
    {
        if (address is null)
        {
            return Unknown;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        var prefix = Math.Clamp(ipv6PrefixLength, 0, 128);
        for (var bit = prefix; bit < 128; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return new IPAddress(bytes); // without the scope id, so that all interfaces' spellings share the key
    }

    /// <summary>Loopback or private addresses: a limit tripping on one of them often means a reverse proxy without forwarded headers.</summary>
    public static bool IsLoopbackOrPrivate(IPAddress address)
    {
        if (IPAddress.IsLoopback(address))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            address.TryWriteBytes(b, out _);
            return b[0] == 10 || (b[0] == 172 && (b[1] & 0xF0) == 16) || (b[0] == 192 && b[1] == 168);
        }

        return address.IsIPv6LinkLocal || address.IsIPv6UniqueLocal || address.IsIPv6SiteLocal;
    }
}
