using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace WsAuth.Internal;

/// <summary>The server-to-client control messages of the wire protocol: JSON text frames whose type starts with <c>wsauth.</c>.</summary>
internal static class ControlMessages
{
    public const string AuthenticatedType = "wsauth.authenticated";
    public const string RefreshedType = "wsauth.refreshed";
    public const string ExpiringType = "wsauth.expiring";

    public static byte[] Authenticated(DateTimeOffset? expiresAt) => Write(AuthenticatedType, expiresAt);

    public static byte[] Refreshed(DateTimeOffset? expiresAt) => Write(RefreshedType, expiresAt);

    public static byte[] Expiring(DateTimeOffset expiresAt) => Write(ExpiringType, expiresAt);

    /// <summary>ISO-8601 in UTC with milliseconds, as <c>Date.parse</c> and <c>DateTimeOffset.Parse</c> read it.</summary>
    public static string FormatTime(DateTimeOffset value)
        => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static byte[] Write(string type, DateTimeOffset? expiresAt)
    {
        var buffer = new ArrayBufferWriter<byte>(80);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, type);
            if (expiresAt is { } value)
            {
                writer.WriteString("expiresAt"u8, FormatTime(value));
            }
            else
            {
                writer.WriteNull("expiresAt"u8);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
