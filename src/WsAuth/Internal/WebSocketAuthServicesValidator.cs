using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WsAuth.Internal;

/// <summary>Startup checks that need the service provider: the features that validate tokens need a token validator.</summary>
internal sealed class WebSocketAuthServicesValidator(IServiceProvider services) : IValidateOptions<WebSocketAuthOptions>
{
    public const string FirstMessageNeedsValidator =
        "WsAuth: AddFirstMessage() validates the token of the first message with an IWebSocketTokenValidator, and none is registered. "
        + "Register one: services.AddSingleton<IWebSocketTokenValidator, YourValidator>() (or the JWT validator of WsAuth's token method).";

    public const string RefreshNeedsValidator =
        "WsAuth: Sessions.AllowRefresh is true, but refresh messages are validated with an IWebSocketTokenValidator and none is registered. "
        + "Register one (services.AddSingleton<IWebSocketTokenValidator, YourValidator>()), or leave WsAuth:Sessions:AllowRefresh unset.";

    public ValidateOptionsResult Validate(string? name, WebSocketAuthOptions options)
    {
        var hasValidator = services.GetService<IServiceProviderIsService>()?.IsService(typeof(IWebSocketTokenValidator)) ?? false;
        var errors = new List<string>();
        if (!hasValidator && options.Authenticators.Any(a => a.AfterUpgrade))
        {
            errors.Add(FirstMessageNeedsValidator);
        }

        if (!hasValidator && options.Sessions.AllowRefresh == true)
        {
            errors.Add(RefreshNeedsValidator);
        }

        if ((options.Sessions.AllowRefresh ?? hasValidator)
            && (services.GetService<IWebSocketAuthMessageParser>() ?? JsonWebSocketAuthMessageParser.Instance).RefreshPrefix.Length < 2)
        {
            errors.Add("WsAuth: the registered IWebSocketAuthMessageParser has a RefreshPrefix shorter than 2 bytes, so application messages "
                + "could be taken for refresh messages. Give it the exact leading bytes of your refresh message.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
