using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using WsAuth.Internal;

namespace WsAuth;

/// <summary>One revocation or disconnect request, as backplanes carry and store it.</summary>
public sealed class WebSocketRevocationMessage
{
    /// <summary>The longest subject or session id a message carries, in characters.</summary>
    public const int MaxTargetLength = 1024;

    /// <summary>Creates a message; always use this constructor.</summary>
    /// <param name="kind">What to do.</param>
    /// <param name="target">The subject (<see cref="WebSocketRevocationKind.Revoke"/>, <see cref="WebSocketRevocationKind.DisconnectUser"/>) or session id.</param>
    /// <param name="issuedBefore">For <see cref="WebSocketRevocationKind.Revoke"/>: credentials issued before this instant are revoked.</param>
    /// <param name="expiresAt">For <see cref="WebSocketRevocationKind.Revoke"/>: when the record may be forgotten.</param>
    /// <param name="reason">An optional reason code, for logs.</param>
    /// <param name="sender">An id of the publishing instance, so that it can skip its own message; optional.</param>
    /// <exception cref="ArgumentException">The target is empty or longer than <see cref="MaxTargetLength"/>, a revocation lacks its instants, or the reason is not a reason code.</exception>
    public WebSocketRevocationMessage(WebSocketRevocationKind kind, string target, DateTimeOffset? issuedBefore = null, DateTimeOffset? expiresAt = null, string? reason = null, string? sender = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        if (target.Length > MaxTargetLength)
        {
            // The value is not echoed: it is a user's identifier.
            throw new ArgumentException($"A subject or session id is at most {MaxTargetLength} characters.", nameof(target));
        }

        if (kind == WebSocketRevocationKind.Revoke && (issuedBefore is null || expiresAt is null))
        {
            throw new ArgumentException("A revocation needs the instant credentials are revoked before and when the record expires.", nameof(issuedBefore));
        }

        if (kind is < WebSocketRevocationKind.Revoke or > WebSocketRevocationKind.DisconnectSession)
        {
            throw new ArgumentOutOfRangeException(nameof(kind));
        }

        if (reason is not null)
        {
            ReasonCode.ThrowIfInvalid(reason);
        }

        Kind = kind;
        Target = target;
        IssuedBefore = issuedBefore;
        ExpiresAt = expiresAt;
        Reason = reason;
        Sender = sender is { Length: > 0 and <= 64 } ? sender : null;
    }

    /// <summary>What to do.</summary>
    public WebSocketRevocationKind Kind { get; }

    /// <summary>The subject, or the session id for <see cref="WebSocketRevocationKind.DisconnectSession"/>.</summary>
    public string Target { get; }

    /// <summary>For a revocation: credentials issued before this instant are refused.</summary>
    public DateTimeOffset? IssuedBefore { get; }

    /// <summary>For a revocation: when every credential it covers has expired, and the record may be forgotten.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>The optional reason code, for logs.</summary>
    public string? Reason { get; }

    /// <summary>The id of the instance that published the message, if it said.</summary>
    public string? Sender { get; }

    /// <summary>The message as compact JSON (what the PostgreSQL and Redis backplanes publish).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson()
    {
        using var buffer = new MemoryStream(64 + Target.Length);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("k", (int)Kind);
            writer.WriteString("t", Target);
            if (IssuedBefore is { } before)
            {
                writer.WriteNumber("b", before.ToUnixTimeMilliseconds());
            }

            if (ExpiresAt is { } expires)
            {
                writer.WriteNumber("e", expires.ToUnixTimeMilliseconds());
            }

            if (Reason is not null)
            {
                writer.WriteString("r", Reason);
            }

            if (Sender is not null)
            {
                writer.WriteString("s", Sender);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Reads what <see cref="ToJson"/> wrote; <see langword="false"/> for anything else.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="message">The message, when the text is one.</param>
    /// <returns>Whether the text is a valid message.</returns>
    public static bool TryParse(string? json, [NotNullWhen(true)] out WebSocketRevocationMessage? message)
    {
        message = null;
        if (string.IsNullOrEmpty(json) || json.Length > 4 * MaxTargetLength)
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("k", out var k) || !k.TryGetInt32(out var kind)
                || !root.TryGetProperty("t", out var t) || t.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            DateTimeOffset? before = root.TryGetProperty("b", out var b) && b.TryGetInt64(out var bms) ? DateTimeOffset.FromUnixTimeMilliseconds(bms) : null;
            DateTimeOffset? expires = root.TryGetProperty("e", out var e) && e.TryGetInt64(out var ems) ? DateTimeOffset.FromUnixTimeMilliseconds(ems) : null;
            var reason = root.TryGetProperty("r", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            var sender = root.TryGetProperty("s", out var sv) && sv.ValueKind == JsonValueKind.String ? sv.GetString() : null;
            message = new WebSocketRevocationMessage((WebSocketRevocationKind)kind, t.GetString()!, before, expires, reason, sender);
            return true;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }
}
