using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace WsAuth.Internal;

/// <summary>
/// Authenticates the handshake with a token in <c>Sec-WebSocket-Protocol</c>, the one place a browser can put it besides
/// the URL. Every credential entry (the marker too) is hidden from endpoint code, and the fallback protocol is set so the
/// server always answers exactly one offered, non-credential protocol: Chrome fails a handshake that offered protocols and
/// got none back, and the token must never be echoed.
/// </summary>
internal sealed class SubprotocolTokenWebSocketAuthenticator : IWebSocketAuthenticator, IProtocolCredentialCarrier
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly IWebSocketTokenValidator _validator;
    private readonly string? _marker;
    private readonly string[] _prefixes;

    public SubprotocolTokenWebSocketAuthenticator(IWebSocketTokenValidator validator, IOptions<WebSocketSubprotocolTokenOptions> options)
    {
        _validator = validator;
        _marker = options.Value.Marker;
        _prefixes = [.. options.Value.Prefixes];
    }

    public async ValueTask<WebSocketAuthenticateResult> AuthenticateAsync(WebSocketAuthenticateContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var offered = context.RequestedProtocols;
        if (offered.Count == 0)
        {
            return WebSocketAuthenticateResult.NoCredentials;
        }

        // Find every credential entry first: two of them is an error whatever their content.
        var found = 0;
        var markerForm = false;
        string? credentialEntry = null;
        string? encoded = null;
        var missing = false;
        for (var i = 0; i < offered.Count; i++)
        {
            var entry = offered[i];
            if (_marker is not null && string.Equals(entry, _marker, StringComparison.Ordinal))
            {
                found++;
                markerForm = true;
                if (i + 1 < offered.Count)
                {
                    credentialEntry = offered[++i];
                    encoded = credentialEntry;
                }
                else
                {
                    missing = true;
                }

                continue;
            }

            var prefix = MatchPrefix(entry);
            if (prefix is not null)
            {
                found++;
                markerForm = false;
                credentialEntry = entry;
                encoded = entry[prefix.Length..];
                missing = encoded.Length == 0;
            }
        }

        if (found == 0)
        {
            return WebSocketAuthenticateResult.NoCredentials;
        }

        if (found > 1)
        {
            return WebSocketAuthenticateResult.Fail(WebSocketAuthFailureReasons.TokenMultiple, StatusCodes.Status400BadRequest);
        }

        if (missing)
        {
            return WebSocketAuthenticateResult.Fail(WebSocketAuthFailureReasons.TokenMissing, StatusCodes.Status400BadRequest);
        }

        string token;
        if (markerForm)
        {
            token = encoded!;
        }
        else if (!TryDecode(encoded!, out token))
        {
            return WebSocketAuthenticateResult.Fail(WebSocketAuthFailureReasons.TokenEncodingInvalid, StatusCodes.Status400BadRequest);
        }

        // Hide every occurrence of the credential entries before anything else can see the list.
        HideAll(context, credentialEntry!);
        HideAll(context, token);
        if (markerForm)
        {
            HideAll(context, _marker!);
        }

        string fallback;
        if (markerForm)
        {
            fallback = _marker!;
        }
        else if (context.RequestedProtocols.Count > 0)
        {
            fallback = context.RequestedProtocols[0];
        }
        else
        {
            // Nothing left to answer: a browser would fail a 101 without a protocol, and echoing the token is never an option.
            return WebSocketAuthenticateResult.Fail(WebSocketAuthFailureReasons.SubprotocolRequired, StatusCodes.Status400BadRequest);
        }

        var result = await TokenValidation.ValidateAsync(_validator, token, context.HttpContext, cancellationToken);
        if (result.Succeeded)
        {
            context.FallbackProtocol = fallback;
        }

        return result;
    }

    public void HideCredentialEntries(WebSocketAuthenticateContext context)
    {
        var offered = context.RequestedProtocols.ToArray();
        for (var i = 0; i < offered.Length; i++)
        {
            if (_marker is not null && string.Equals(offered[i], _marker, StringComparison.Ordinal))
            {
                // The marker itself carries nothing, so it stays answerable (Chrome needs an answer); what follows it is the token.
                HideAll(context, _marker);
                context.FallbackProtocol ??= _marker;
                if (i + 1 < offered.Length)
                {
                    HideAll(context, offered[++i]);
                }
            }
            else if (MatchPrefix(offered[i]) is not null)
            {
                HideAll(context, offered[i]);
            }
        }
    }

    private string? MatchPrefix(string entry)
    {
        foreach (var prefix in _prefixes)
        {
            if (entry.StartsWith(prefix, StringComparison.Ordinal))
            {
                return prefix;
            }
        }

        return null;
    }

    private static void HideAll(WebSocketAuthenticateContext context, string entry)
    {
        while (context.HideRequestedProtocol(entry))
        {
        }
    }

    private static bool TryDecode(string encoded, out string token)
    {
        token = string.Empty;
        var bytes = new byte[StrictBase64Url.MaxDecodedLength(encoded.Length)];
        if (!StrictBase64Url.TryDecode(encoded, bytes, out var written))
        {
            return false; // padding (Chrome refuses '=' in a protocol anyway), '+', '/', whitespace, impossible length
        }

        try
        {
            token = StrictUtf8.GetString(bytes, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        return token.Length > 0;
    }
}
