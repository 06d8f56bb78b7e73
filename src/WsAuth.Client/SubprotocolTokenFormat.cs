using System.Buffers.Text;
using System.Text;

namespace WsAuth.Client;

/// <summary>
/// How a token travels in <c>Sec-WebSocket-Protocol</c> (WsAuth's subprotocol method). The app's own subprotocols go
/// first; the entries this format creates come after them.
/// </summary>
public sealed class SubprotocolTokenFormat
{
    /// <summary>The default marker entry: <c>access_token</c>.</summary>
    public const string DefaultMarker = "access_token";

    /// <summary>The Kubernetes prefix: <c>base64url.bearer.authorization.k8s.io.</c>.</summary>
    public const string KubernetesPrefix = "base64url.bearer.authorization.k8s.io.";

    private SubprotocolTokenFormat(string? marker, string? prefix)
    {
        MarkerEntry = marker;
        Prefix = prefix;
    }

    /// <summary>
    /// The marker form: <c>access_token</c> then the token as its own entry. The token must consist of RFC 7230 token
    /// characters (a JWT does).
    /// </summary>
    public static SubprotocolTokenFormat Marker { get; } = new(DefaultMarker, null);

    /// <summary>The Kubernetes form: one entry, <c>base64url.bearer.authorization.k8s.io.</c> + the unpadded base64url of the token's UTF-8 bytes.</summary>
    public static SubprotocolTokenFormat Kubernetes { get; } = new(null, KubernetesPrefix);

    /// <summary>The marker entry, or <see langword="null"/> for a prefix form.</summary>
    public string? MarkerEntry { get; }

    /// <summary>The prefix, or <see langword="null"/> for a marker form.</summary>
    public string? Prefix { get; }

    /// <summary>The marker form with a marker of your own (the server must be configured with the same one).</summary>
    /// <param name="marker">The marker entry: RFC 7230 token characters.</param>
    /// <returns>The format.</returns>
    /// <exception cref="ArgumentException"><paramref name="marker"/> is empty or not a valid subprotocol.</exception>
    public static SubprotocolTokenFormat WithMarker(string marker)
    {
        ArgumentNullException.ThrowIfNull(marker);
        return IsHttpToken(marker)
            ? new SubprotocolTokenFormat(marker, null)
            : throw new ArgumentException("A marker must be a non-empty run of RFC 7230 token characters.", nameof(marker));
    }

    /// <summary>The prefix form (like Kubernetes) with a prefix of your own (the server must be configured with the same one).</summary>
    /// <param name="prefix">The prefix: RFC 7230 token characters.</param>
    /// <returns>The format.</returns>
    /// <exception cref="ArgumentException"><paramref name="prefix"/> is empty or not valid in a subprotocol.</exception>
    public static SubprotocolTokenFormat WithPrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return IsHttpToken(prefix)
            ? new SubprotocolTokenFormat(null, prefix)
            : throw new ArgumentException("A prefix must be a non-empty run of RFC 7230 token characters.", nameof(prefix));
    }

    /// <summary>The <c>Sec-WebSocket-Protocol</c> entries that carry <paramref name="token"/>, in order.</summary>
    /// <param name="token">The token.</param>
    /// <returns>The entries: the marker and the token, or the prefixed encoding.</returns>
    /// <exception cref="ArgumentException">
    /// The token is empty, or (marker form) has characters a subprotocol cannot carry. The message never contains the token.
    /// </exception>
    public IReadOnlyList<string> CreateEntries(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Length == 0)
        {
            throw new ArgumentException("The token is empty.", nameof(token));
        }

        if (MarkerEntry is not null)
        {
            return IsHttpToken(token)
                ? [MarkerEntry, token]
                : throw new ArgumentException(
                    "The token has characters a subprotocol entry cannot carry (only RFC 7230 token characters are allowed). Use SubprotocolTokenFormat.Kubernetes, which base64url-encodes it.",
                    nameof(token));
        }

        return [Prefix + Base64UrlEncode(token)];
    }

    /// <inheritdoc/>
    public override string ToString() => MarkerEntry is not null ? $"marker {MarkerEntry}" : $"prefix {Prefix}";

    internal static string Base64UrlEncode(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    internal static bool IsHttpToken(string value)
    {
        if (value.Length == 0)
        {
            return false;
        }

        foreach (var c in value)
        {
            var ok = c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9'
                or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
