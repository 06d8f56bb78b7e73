using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Primitives;

namespace WsAuth.Internal;

/// <summary>
/// The Origin allow-list compiled once from <see cref="WebSocketAuthOptions"/>: exact origins in a frozen set,
/// wildcard entries as precomputed patterns. Per request it only normalizes the header and looks it up.
/// </summary>
internal sealed class OriginPolicy
{
    private const string NullOrigin = "null";
    private const string WildcardPlaceholder = "wildcard-placeholder";

    private readonly FrozenSet<string> _exact;
    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _exactBySpan;
    private readonly OriginPattern[] _patterns;

    private OriginPolicy(FrozenSet<string> exact, OriginPattern[] patterns, bool allowAnyOrigin)
    {
        _exact = exact;
        _exactBySpan = exact.GetAlternateLookup<ReadOnlySpan<char>>();
        _patterns = patterns;
        AllowAnyOrigin = allowAnyOrigin;
    }

    /// <summary>Whether any well-formed origin is accepted.</summary>
    public bool AllowAnyOrigin { get; }

    /// <summary>The normalized exact origins, for diagnostics.</summary>
    public IReadOnlyCollection<string> ExactOrigins => _exact;

    /// <summary>The wildcard patterns, for diagnostics.</summary>
    public IReadOnlyList<OriginPattern> Patterns => _patterns;

    /// <summary>Compiles the allow-list. Throws <see cref="ArgumentException"/> naming the first invalid entry.</summary>
    public static OriginPolicy Create(IEnumerable<string> allowedOrigins, bool allowAnyOrigin)
    {
        var exact = new HashSet<string>(StringComparer.Ordinal);
        var patterns = new List<OriginPattern>();
        foreach (var entry in allowedOrigins)
        {
            if (!TryCompileEntry(entry, out var normalized, out var pattern, out var error))
            {
                throw new ArgumentException(error, nameof(allowedOrigins));
            }

            if (pattern is not null)
            {
                patterns.Add(pattern);
            }
            else
            {
                exact.Add(normalized!);
            }
        }

        return new OriginPolicy(exact.ToFrozenSet(StringComparer.Ordinal), [.. patterns], allowAnyOrigin);
    }

    /// <summary>
    /// Validates and compiles one configured entry: an exact origin (a single trailing slash is tolerated) or
    /// <c>scheme://*.domain[:port]</c>.
    /// </summary>
    internal static bool TryCompileEntry(
        string? entry,
        out string? normalized,
        out OriginPattern? pattern,
        [NotNullWhen(false)] out string? error)
    {
        normalized = null;
        pattern = null;
        error = null;
        var value = entry?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            error = "An allowed origin is empty. Use the form \"https://app.example.com\".";
            return false;
        }

        if (value == "*")
        {
            error = "\"*\" is not an origin. To accept every origin (for non-browser clients only), set AllowAnyOrigin = true instead.";
            return false;
        }

        if (string.Equals(value, NullOrigin, StringComparison.OrdinalIgnoreCase))
        {
            error = "\"null\" is not an origin to list. To accept the opaque origin null (sandboxed iframes, file: pages), set AllowNullOrigin = true instead.";
            return false;
        }

        if (value.EndsWith('/') && value.IndexOf("://", StringComparison.Ordinal) is var i && i > 0
            && value.IndexOf('/', i + 3) == value.Length - 1)
        {
            value = value[..^1];
        }

        var star = value.IndexOf('*', StringComparison.Ordinal);
        if (star >= 0)
        {
            var schemeEnd = value.IndexOf("://", StringComparison.Ordinal);
            if (schemeEnd <= 0 || star != schemeEnd + 3 || value.Length < star + 2 || value[star + 1] != '.'
                || value.IndexOf('*', star + 1) >= 0)
            {
                error = $"The allowed origin \"{value}\" has a wildcard in the wrong place. A wildcard must be the whole left-most label: \"https://*.example.com\".";
                return false;
            }

            // Normalize the rest as a concrete origin (IDN, case, default port), then drop the placeholder label.
            var concrete = string.Concat(value.AsSpan(0, star), WildcardPlaceholder, value.AsSpan(star + 1));
            if (!OriginNormalizer.TryNormalize(concrete, out var normalizedConcrete))
            {
                error = $"The allowed origin \"{value}\" is not a valid origin. Use the form \"https://*.example.com\" (scheme, host, optional port; no path).";
                return false;
            }

            var normalizedSchemeEnd = normalizedConcrete.IndexOf("://", StringComparison.Ordinal);
            var scheme = normalizedConcrete[..normalizedSchemeEnd];
            var hostAndPort = normalizedConcrete[(normalizedSchemeEnd + 3 + WildcardPlaceholder.Length + 1)..];
            var portSeparator = hostAndPort.LastIndexOf(':');
            var suffix = portSeparator >= 0 ? hostAndPort[..portSeparator] : hostAndPort;
            var port = portSeparator >= 0 ? hostAndPort[(portSeparator + 1)..] : null;
            if (!suffix.Contains('.', StringComparison.Ordinal))
            {
                error = $"The allowed origin \"{value}\" is too broad: a wildcard needs a registrable domain with at least two labels after it (\"https://*.example.com\", not \"https://*.com\").";
                return false;
            }

            pattern = new OriginPattern(scheme, suffix, port);
            return true;
        }

        if (!OriginNormalizer.TryNormalize(value, out normalized))
        {
            error = $"The allowed origin \"{value}\" is not a valid origin. Use the form \"https://app.example.com\" or \"https://app.example.com:8443\" (scheme, host, optional port; no path, query or user info).";
            return false;
        }

        return true;
    }

    /// <summary>Checks a request's <c>Origin</c> header values.</summary>
    public OriginCheck Check(StringValues originHeader, out string? normalizedOrigin)
    {
        normalizedOrigin = null;
        switch (originHeader.Count)
        {
            case 0:
                return OriginCheck.Missing;
            case > 1:
                return OriginCheck.Multiple;
        }

        var value = originHeader[0];
        if (value is null)
        {
            return OriginCheck.Missing;
        }

        if (value.AsSpan().Trim(" \t").SequenceEqual(NullOrigin))
        {
            normalizedOrigin = NullOrigin;
            return OriginCheck.Null;
        }

        // Normalize on the stack and look the span up: a listed origin costs no allocation, even when the header
        // needs normalizing, because the listed instance is handed out.
        Span<char> buffer = stackalloc char[OriginNormalizer.MaxNormalizedLength];
        if (!OriginNormalizer.TryNormalize(value, buffer, out var written, out var changed, serialized: true))
        {
            return OriginCheck.Malformed;
        }

        var canonical = buffer[..written];
        if (_exactBySpan.TryGetValue(canonical, out var listed))
        {
            normalizedOrigin = listed;
            return OriginCheck.Allowed;
        }

        var normalized = changed ? new string(canonical) : value;
        normalizedOrigin = normalized;
        return AllowAnyOrigin || MatchesPattern(normalized) ? OriginCheck.Allowed : OriginCheck.NotAllowed;
    }

    /// <summary>Whether an already normalized origin is on the allow-list.</summary>
    public bool IsAllowed(string normalizedOrigin)
        => AllowAnyOrigin || _exact.Contains(normalizedOrigin) || MatchesPattern(normalizedOrigin);

    private bool MatchesPattern(string normalizedOrigin)
    {
        foreach (var pattern in _patterns)
        {
            if (pattern.IsMatch(normalizedOrigin))
            {
                return true;
            }
        }

        return false;
    }
}
