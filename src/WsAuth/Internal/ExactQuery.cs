using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace WsAuth.Internal;

/// <summary>
/// Reads a credential's query parameter by its exact name. <c>HttpRequest.Query</c> matches names case-insensitively
/// and after percent-decoding, so <c>?ACCESS_TOKEN=</c> and <c>?%61ccess_token=</c> would count as
/// <c>access_token</c>: a log scrubber keyed on the exact name misses them. Only the exact, unencoded spelling is read;
/// every other spelling is not a credential (SECURITY-MATRIX AV7).
/// </summary>
internal static class ExactQuery
{
    public static StringValues Get(HttpRequest request, string name)
    {
        var query = request.QueryString.Value;
        if (string.IsNullOrEmpty(query))
        {
            return StringValues.Empty;
        }

        var span = query.AsSpan(query[0] == '?' ? 1 : 0);
        StringValues values = default;
        while (!span.IsEmpty)
        {
            var amp = span.IndexOf('&');
            var pair = amp < 0 ? span : span[..amp];
            span = amp < 0 ? default : span[(amp + 1)..];
            var eq = pair.IndexOf('=');
            var key = eq < 0 ? pair : pair[..eq];
            if (!key.SequenceEqual(name))
            {
                continue;
            }

            var raw = eq < 0 ? string.Empty : pair[(eq + 1)..].ToString();
            values = StringValues.Concat(values, Uri.UnescapeDataString(raw.Replace('+', ' ')));
        }

        return values;
    }
}
