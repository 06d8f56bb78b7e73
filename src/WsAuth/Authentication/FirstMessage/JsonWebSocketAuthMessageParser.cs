using System.Text.Json;

namespace WsAuth.Internal;

/// <summary>
/// The default message format: a JSON object with a string <c>type</c> (<c>"auth"</c> or <c>"refresh"</c>) and a
/// non-empty string <c>token</c>. Other members are ignored; a duplicated <c>type</c> or <c>token</c>, trailing content,
/// comments or invalid UTF-8 make the message malformed.
/// </summary>
internal sealed class JsonWebSocketAuthMessageParser : IWebSocketAuthMessageParser
{
    public static readonly JsonWebSocketAuthMessageParser Instance = new();

    private static readonly byte[] Prefix = "{\"type\":\"refresh\",\"token\":"u8.ToArray();

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        MaxDepth = 16,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    public ReadOnlyMemory<byte> RefreshPrefix => Prefix;

    public bool TryReadAuthMessage(ReadOnlySpan<byte> utf8Message, out string? token)
        => TryRead(utf8Message, "auth"u8, out token);

    public bool TryReadRefreshMessage(ReadOnlySpan<byte> utf8Message, out string? token)
        => TryRead(utf8Message, "refresh"u8, out token);

    private static bool TryRead(ReadOnlySpan<byte> json, ReadOnlySpan<byte> expectedType, out string? token)
    {
        token = null;
        try
        {
            var reader = new Utf8JsonReader(json, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            bool sawType = false, typeMatches = false, sawToken = false;
            string? value = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    if (sawType || !reader.Read() || reader.TokenType != JsonTokenType.String)
                    {
                        return false;
                    }

                    sawType = true;
                    typeMatches = reader.ValueTextEquals(expectedType);
                }
                else if (reader.ValueTextEquals("token"u8))
                {
                    if (sawToken || !reader.Read() || reader.TokenType != JsonTokenType.String)
                    {
                        return false;
                    }

                    sawToken = true;
                    value = reader.GetString();
                }
                else if (!reader.Read() || !reader.TrySkip())
                {
                    return false;
                }
            }

            // The loop ends on the root's EndObject; anything but whitespace after it throws below.
            if (reader.TokenType != JsonTokenType.EndObject || reader.CurrentDepth != 0 || reader.Read())
            {
                return false;
            }

            if (!typeMatches || string.IsNullOrEmpty(value))
            {
                return false;
            }

            token = value;
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            // Malformed JSON or invalid UTF-8 in a string. The exception message is not used: it can quote the input.
            return false;
        }
    }
}
