using Microsoft.Extensions.Options;

namespace WsAuth.Internal;

/// <summary>Validates <see cref="WebSocketSubprotocolTokenOptions"/> at startup.</summary>
internal sealed class WebSocketSubprotocolTokenOptionsValidator : IValidateOptions<WebSocketSubprotocolTokenOptions>
{
    public ValidateOptionsResult Validate(string? name, WebSocketSubprotocolTokenOptions options)
    {
        var errors = new List<string>();
        if (options.Marker is null && options.Prefixes.Count == 0)
        {
            errors.Add("WsAuth:SubprotocolToken: both formats are off (no Marker and no Prefixes), so no token could be found. "
                + "Keep the default marker \"access_token\" or add a prefix.");
        }

        if (options.Marker is { } marker && !IsProtocolToken(marker))
        {
            errors.Add($"WsAuth:SubprotocolToken:Marker \"{marker}\" is not a valid subprotocol name (RFC 7230 token characters only, such as access_token).");
        }

        foreach (var prefix in options.Prefixes)
        {
            if (string.IsNullOrEmpty(prefix) || !IsProtocolToken(prefix))
            {
                errors.Add($"WsAuth:SubprotocolToken:Prefixes contains \"{prefix}\", which is not a valid subprotocol prefix (RFC 7230 token characters, "
                    + "such as base64url.bearer.authorization.k8s.io.).");
            }
            else if (options.Marker is { } m && m.StartsWith(prefix, StringComparison.Ordinal))
            {
                errors.Add($"WsAuth:SubprotocolToken: the marker \"{m}\" starts with the prefix \"{prefix}\"; they must be distinguishable.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>RFC 7230 §3.2.6 tchar, the characters a subprotocol name may use.</summary>
    private static bool IsProtocolToken(string value)
    {
        if (value.Length == 0)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && "!#$%&'*+-.^_`|~".IndexOf(c, StringComparison.Ordinal) < 0)
            {
                return false;
            }
        }

        return true;
    }
}
