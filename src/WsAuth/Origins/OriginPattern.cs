namespace WsAuth.Internal;

/// <summary>
/// A compiled wildcard entry such as <c>https://*.example.com:8443</c>: it matches a normalized origin with the same
/// scheme and port whose host has at least one more label in front of <c>example.com</c>. It never matches the bare
/// domain, a look-alike such as <c>evil-example.com</c>, or <c>example.com.evil.net</c>.
/// </summary>
internal sealed class OriginPattern
{
    private readonly string _prefix;
    private readonly string _suffix;

    public OriginPattern(string scheme, string hostSuffix, string? port)
    {
        _prefix = scheme + "://";
        _suffix = port is null ? "." + hostSuffix : "." + hostSuffix + ":" + port;
    }

    /// <summary>Whether a normalized origin matches. The input must come from <see cref="OriginNormalizer"/>.</summary>
    public bool IsMatch(string normalizedOrigin)
    {
        if (normalizedOrigin.Length <= _prefix.Length + _suffix.Length
            || !normalizedOrigin.StartsWith(_prefix, StringComparison.Ordinal)
            || !normalizedOrigin.EndsWith(_suffix, StringComparison.Ordinal))
        {
            return false;
        }

        // What the '*' stands for: one or more whole labels, never a port or an IP literal.
        var labels = normalizedOrigin.AsSpan(_prefix.Length, normalizedOrigin.Length - _prefix.Length - _suffix.Length);
        return labels.IndexOfAny(":[]") < 0;
    }

    public override string ToString() => _prefix + "*" + _suffix;
}
