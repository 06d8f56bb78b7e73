using Microsoft.AspNetCore.Http;

namespace WsAuth.Internal;

/// <summary>The request values a ticket can be bound to, computed the same way when issuing and when redeeming.</summary>
internal static class TicketRequestValues
{
    /// <summary>The client address as text; an IPv4 address mapped into IPv6 is written as IPv4.</summary>
    public static string? ClientIp(HttpContext context)
    {
        var address = RemoteAddress.Of(context);
        if (address is null)
        {
            return null;
        }

        return (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
    }

    /// <summary>An app-relative path without its trailing slash (<c>/ws/</c> and <c>/ws</c> route alike).</summary>
    public static string NormalizePath(string path)
    {
        var trimmed = path.TrimEnd('/');
        return trimmed.Length == 0 ? "/" : trimmed;
    }

    /// <summary>Whether the handshake's path is the bound one; case-insensitive, as routing is.</summary>
    public static bool PathMatches(string boundPath, PathString requestPath)
        => string.Equals(boundPath, NormalizePath(requestPath.HasValue ? requestPath.Value! : "/"), StringComparison.OrdinalIgnoreCase);
}
