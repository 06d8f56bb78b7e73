using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WsAuth.Origins;

/// <summary>
/// Turns a serialized origin (<c>scheme://host[:port]</c>) into its one canonical form, the same way for the
/// configured allow-list (once, at startup) and for every request's <c>Origin</c> header: scheme and host in lower
/// case, an IDN host in punycode, an IPv6 literal in its compressed form, and the scheme's default port dropped.
/// </summary>
/// <remarks>
/// The grammar is strict: no user info, path, query, fragment, percent-encoding, empty label, trailing dot or
/// inner white space. Anything else is malformed and is never matched against the allow-list.
/// </remarks>
internal static class OriginNormalizer
{
    private const int MaxOriginLength = 2048;
    private const int MaxSchemeLength = 32;
    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = true };
    private static readonly System.Buffers.SearchValues<char> ForbiddenInAuthority = System.Buffers.SearchValues.Create("/?#@\\%");

    /// <summary>Normalizes a serialized origin. Returns the input instance when it is already canonical.</summary>
    public static bool TryNormalize(string value, [NotNullWhen(true)] out string? normalized)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (TryParse(value.AsSpan(), out var scheme, out var host, out var port, out var changed))
        {
            normalized = changed ? Compose(scheme, host, port) : value;
            return true;
        }

        normalized = null;
        return false;
    }

    /// <summary>Normalizes a serialized origin given as a span.</summary>
    public static bool TryNormalize(ReadOnlySpan<char> value, [NotNullWhen(true)] out string? normalized)
    {
        if (TryParse(value, out var scheme, out var host, out var port, out _))
        {
            normalized = Compose(scheme, host, port);
            return true;
        }

        normalized = null;
        return false;
    }

    private static string Compose(string scheme, string host, string? port)
        => port is null ? string.Concat(scheme, "://", host) : string.Concat(scheme, "://", host, ":", port);

    private static bool TryParse(ReadOnlySpan<char> value, out string scheme, out string host, out string? port, out bool changed)
    {
        scheme = host = string.Empty;
        port = null;
        changed = false;

        var trimmed = value.Trim(" \t");
        if (trimmed.Length != value.Length)
        {
            changed = true;
        }

        value = trimmed;
        if (value.IsEmpty || value.Length > MaxOriginLength)
        {
            return false;
        }

        var separator = value.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0 || separator > MaxSchemeLength)
        {
            return false;
        }

        var schemeSpan = value[..separator];
        if (!IsValidScheme(schemeSpan))
        {
            return false;
        }

        var authority = value[(separator + 3)..];
        if (authority.IsEmpty || authority.ContainsAny(ForbiddenInAuthority) || ContainsWhiteSpaceOrControl(authority))
        {
            return false;
        }

        ReadOnlySpan<char> hostSpan;
        ReadOnlySpan<char> portSpan = default;
        var hasPort = false;
        if (authority[0] == '[')
        {
            var close = authority.IndexOf(']');
            if (close < 0)
            {
                return false;
            }

            hostSpan = authority[..(close + 1)];
            var after = authority[(close + 1)..];
            if (!after.IsEmpty)
            {
                if (after[0] != ':')
                {
                    return false;
                }

                portSpan = after[1..];
                hasPort = true;
            }
        }
        else
        {
            var colon = authority.IndexOf(':');
            if (colon >= 0)
            {
                hostSpan = authority[..colon];
                portSpan = authority[(colon + 1)..];
                hasPort = true;
            }
            else
            {
                hostSpan = authority;
            }
        }

        var schemeLower = ToLowerAscii(schemeSpan, ref changed);
        if (!TryNormalizeHost(hostSpan, out host, ref changed))
        {
            return false;
        }

        if (hasPort)
        {
            if (!TryParsePort(portSpan, out var portNumber))
            {
                return false;
            }

            if (portNumber == DefaultPort(schemeLower))
            {
                changed = true;
            }
            else
            {
                port = portNumber.ToString(CultureInfo.InvariantCulture);
                if (!portSpan.SequenceEqual(port))
                {
                    changed = true;
                }
            }
        }

        scheme = schemeLower;
        return true;
    }

    internal static int DefaultPort(string scheme) => scheme switch
    {
        "http" or "ws" => 80,
        "https" or "wss" => 443,
        _ => -1,
    };

    private static bool IsValidScheme(ReadOnlySpan<char> scheme)
    {
        if (!char.IsAsciiLetter(scheme[0]))
        {
            return false;
        }

        foreach (var c in scheme)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool ContainsWhiteSpaceOrControl(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryParsePort(ReadOnlySpan<char> value, out int port)
    {
        port = 0;
        if (value.IsEmpty || value.Length > 5)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            port = (port * 10) + (c - '0');
        }

        return port is > 0 and <= 65535;
    }

    private static bool TryNormalizeHost(ReadOnlySpan<char> value, out string host, ref bool changed)
    {
        host = string.Empty;
        if (value.IsEmpty)
        {
            return false;
        }

        if (value[0] == '[')
        {
            // IPv6 literal (zone ids are not allowed in origins).
            var inner = value[1..^1];
            if (inner.IsEmpty || inner.Contains('%') || !IPAddress.TryParse(inner, out var address)
                || address.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }

            host = string.Concat("[", address.ToString(), "]");
            if (!value.SequenceEqual(host))
            {
                changed = true;
            }

            return true;
        }

        if (!Ascii.IsValid(value))
        {
            string ascii;
            try
            {
                ascii = Idn.GetAscii(value.ToString());
            }
            catch (ArgumentException)
            {
                return false;
            }

            changed = true;
            value = ascii;
        }

        if (value.Length > 253)
        {
            return false;
        }

        var labelLength = 0;
        foreach (var c in value)
        {
            if (c == '.')
            {
                if (labelLength == 0)
                {
                    return false;
                }

                labelLength = 0;
                continue;
            }

            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_'))
            {
                return false;
            }

            if (++labelLength > 63)
            {
                return false;
            }
        }

        if (labelLength == 0)
        {
            // Empty host or trailing dot: browsers treat "example.com." as another origin; never match it.
            return false;
        }

        host = ToLowerAscii(value, ref changed);
        return true;
    }

    private static string ToLowerAscii(ReadOnlySpan<char> value, ref bool changed)
    {
        if (value.ContainsAnyInRange('A', 'Z'))
        {
            changed = true;
            return string.Create(value.Length, value, static (dest, src) => Ascii.ToLower(src, dest, out _));
        }

        return value.ToString();
    }
}
