using Microsoft.Extensions.Options;

namespace WsAuth.Internal;

/// <summary>Validates <see cref="WebSocketRevocationOptions"/>, reporting every error at once.</summary>
internal sealed class WebSocketRevocationOptionsValidator : IValidateOptions<WebSocketRevocationOptions>
{
    public ValidateOptionsResult Validate(string? name, WebSocketRevocationOptions options)
    {
        var errors = new List<string>();
        if (options.MaxCredentialLifetime <= TimeSpan.Zero || options.MaxCredentialLifetime > TimeSpan.FromDays(3650))
        {
            errors.Add("WsAuth:Revocation:MaxCredentialLifetime must be positive and at most 3650 days: set it to the longest lifetime of a cookie or token the app accepts.");
        }

        if (options.MaxStaleness < TimeSpan.Zero || options.MaxStaleness > TimeSpan.FromHours(1))
        {
            errors.Add("WsAuth:Revocation:MaxStaleness must be between 0 and 1 hour.");
        }

        if (options.ReconnectDelay <= TimeSpan.Zero || options.ReconnectDelay > TimeSpan.FromMinutes(5))
        {
            errors.Add("WsAuth:Revocation:ReconnectDelay must be positive and at most 5 minutes.");
        }

        if (options.StartupWait < TimeSpan.Zero || options.StartupWait > TimeSpan.FromMinutes(5))
        {
            errors.Add("WsAuth:Revocation:StartupWait must be between 0 and 5 minutes.");
        }

        if (!Enum.IsDefined(options.WhenUnavailable))
        {
            errors.Add("WsAuth:Revocation:WhenUnavailable must be RefuseAfterStaleness or AcceptLastKnownState.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
