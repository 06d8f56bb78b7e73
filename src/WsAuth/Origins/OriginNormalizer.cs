using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WsAuth.Internal;

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
    /// <summary>
    /// The longest canonical origin: a scheme of 32 characters, <c>://</c>, a host of 253 (a bracketed IPv6 literal is
    /// at most 47), <c>:</c> and a 5-digit port. A stack buffer of this size always holds the result.
    /// </summary>
    internal const int MaxNormalizedLength = MaxSchemeLength + 3 + MaxHostLength + 6;

    private const int MaxOriginLength = 2048;
    private const int MaxSchemeLength = 32;
    private const int MaxHostLength = 253;
    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = true };

    // Delimiters that cannot appear in an origin's authority, plus ASCII white space and control characters.
    private static readonly SearchValues<char> ForbiddenInAuthority = SearchValues.Create(
        "/?#@\\%\u007f\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u000f"
        + "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f\u0020");

    private static readonly SearchValues<char> HostCharacters = SearchValues.Create(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    /// <summary>Normalizes a serialized origin. Returns the input instance when it is already canonical.</summary>
    public static bool TryNormalize(string value, [NotNullWhen(true)] out string? normalized)
    {
        ArgumentNullException.ThrowIfNull(value);
        Span<char> buffer = stackalloc char[MaxNormalizedLength];
        if (TryNormalize(value, buffer, out var written, out var changed))
        {
            normalized = changed ? new string(buffer[..written]) : value;
            return true;
        }

        normalized = null;
        return false;
    }

    /// <summary>Normalizes a serialized origin given as a span.</summary>
    public static bool TryNormalize(ReadOnlySpan<char> value, [NotNullWhen(true)] out string? normalized)
    {
        Span<char> buffer = stackalloc char[MaxNormalizedLength];
        if (TryNormalize(value, buffer, out var written, out _))
        {
            normalized = new string(buffer[..written]);
            return true;
        }

        normalized = null;
        return false;
    }

    /// <summary>
    /// Writes the canonical form of <paramref name="value"/> to <paramref name="destination"/> (at least
    /// <see cref="MaxNormalizedLength"/> long) without allocating, except for IDN and IPv6 hosts.
    /// <paramref name="changed"/> is <see langword="false"/> when the canonical form is <paramref name="value"/> itself.
    /// </summary>
    /// <param name="value">The origin.</param>
    /// <param name="destination">Where the canonical form goes.</param>
    /// <param name="written">How many characters were written.</param>
    /// <param name="changed">Whether the canonical form differs from the input.</param>
    /// <param name="serialized">
    /// The value is a request's <c>Origin</c> header, which browsers always send serialized: ASCII only (an IDN host
    /// arrives as punycode) and a port without leading zeros. Anything else (fullwidth letters or digits, ideographic
    /// dots, <c>:05000</c>) is malformed rather than normalized into an allowed origin. The configured allow-list is
    /// normalized without it, so that <c>https://bücher.example</c> may be configured.
    /// </param>
    internal static bool TryNormalize(ReadOnlySpan<char> value, Span<char> destination, out int written, out bool changed, bool serialized = false)
    {
        written = 0;
        var trimmed = value.Trim(" \t");
        changed = trimmed.Length != value.Length;
        value = trimmed;
        if (value.IsEmpty || value.Length > MaxOriginLength || (serialized && !Ascii.IsValid(value)))
        {
            return false;
        }

        var separator = value.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0 || separator > MaxSchemeLength)
        {
            return false;
        }

        var scheme = value[..separator];
        if (!IsValidScheme(scheme))
        {
            return false;
        }

        var authority = value[(separator + 3)..];
        if (authority.IsEmpty || authority.ContainsAny(ForbiddenInAuthority)
            || (!Ascii.IsValid(authority) && ContainsWhiteSpaceOrControl(authority)))
        {
            return false;
        }

        ReadOnlySpan<char> host;
        ReadOnlySpan<char> port = default;
        var hasPort = false;
        if (authority[0] == '[')
        {
            var close = authority.IndexOf(']');
            if (close < 0)
            {
                return false;
            }

            host = authority[..(close + 1)];
            var after = authority[(close + 1)..];
            if (!after.IsEmpty)
            {
                if (after[0] != ':')
                {
                    return false;
                }

                port = after[1..];
                hasPort = true;
            }
        }
        else
        {
            var colon = authority.IndexOf(':');
            if (colon >= 0)
            {
                host = authority[..colon];
                port = authority[(colon + 1)..];
                hasPort = true;
            }
            else
            {
                host = authority;
            }
        }

        written = WriteLowerAscii(scheme, destination, ref changed);
        var canonicalScheme = destination[..written];
        "://".CopyTo(destination[written..]);
        written += 3;
        if (!TryWriteHost(host, destination[written..], out var hostLength, ref changed))
        {
            return false;
        }

        written += hostLength;
        if (hasPort)
        {
            if (!TryParsePort(port, out var portNumber) || (serialized && port[0] == '0'))
            {
                return false;
            }

            if (portNumber == DefaultPort(canonicalScheme))
            {
                changed = true;
            }
            else
            {
                destination[written++] = ':';
                portNumber.TryFormat(destination[written..], out var portLength, provider: CultureInfo.InvariantCulture);
                if (!port.SequenceEqual(destination.Slice(written, portLength)))
                {
                    changed = true; // leading zeros
                }

                written += portLength;
            }
        }

        return true;
    }

    internal static int DefaultPort(ReadOnlySpan<char> scheme) => scheme switch
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

    private static bool TryWriteHost(ReadOnlySpan<char> value, Span<char> destination, out int written, ref bool changed)
    {
        written = 0;
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

            destination[0] = '[';
            address.TryFormat(destination[1..], out var addressLength);
            destination[addressLength + 1] = ']';
            written = addressLength + 2;
            if (!value.SequenceEqual(destination[..written]))
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

        if (value.Length > MaxHostLength || value.ContainsAnyExcept(HostCharacters))
        {
            return false;
        }

        // Labels of 1 to 63 characters; an empty label (leading, doubled or trailing dot) is never matched: browsers
        // treat "example.com." as another origin.
        var rest = value;
        while (true)
        {
            var dot = rest.IndexOf('.');
            var label = dot < 0 ? rest : rest[..dot];
            if (label.IsEmpty || label.Length > 63)
            {
                return false;
            }

            if (dot < 0)
            {
                break;
            }

            rest = rest[(dot + 1)..];
        }

        written = WriteLowerAscii(value, destination, ref changed);
        return true;
    }

    private static int WriteLowerAscii(ReadOnlySpan<char> value, Span<char> destination, ref bool changed)
    {
        if (value.ContainsAnyInRange('A', 'Z'))
        {
            changed = true;
            Ascii.ToLower(value, destination, out var written);
            return written;
        }

        value.CopyTo(destination);
        return value.Length;
    }
}
