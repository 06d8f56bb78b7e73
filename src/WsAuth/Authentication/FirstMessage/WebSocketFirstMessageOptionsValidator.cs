using Microsoft.Extensions.Options;

namespace WsAuth.Internal;

/// <summary>Validates <see cref="WebSocketFirstMessageOptions"/> at startup and reports every problem with its fix.</summary>
internal sealed class WebSocketFirstMessageOptionsValidator : IValidateOptions<WebSocketFirstMessageOptions>
{
    public const int MinMessageSize = 256;
    public const int MaxMessageSize = 1024 * 1024;
    public static readonly TimeSpan MaxDeadline = TimeSpan.FromMinutes(5);

    public ValidateOptionsResult Validate(string? name, WebSocketFirstMessageOptions options)
    {
        var errors = new List<string>();
        if (options.Deadline < TimeSpan.FromMilliseconds(1) || options.Deadline > MaxDeadline)
        {
            errors.Add($"WsAuth:FirstMessage:Deadline must be between 00:00:00.001 and {MaxDeadline:c} (it bounds how long an unauthenticated socket stays open); it is {options.Deadline:c}.");
        }

        if (options.MaxMessageSize is < MinMessageSize or > MaxMessageSize)
        {
            errors.Add($"WsAuth:FirstMessage:MaxMessageSize must be between {MinMessageSize} and {MaxMessageSize} bytes; it is {options.MaxMessageSize}.");
        }

        if (options.MaxPendingSockets < 1)
        {
            errors.Add($"WsAuth:FirstMessage:MaxPendingSockets must be at least 1; it is {options.MaxPendingSockets}.");
        }

        if (options.MaxPendingSocketsPerClient < 1)
        {
            errors.Add($"WsAuth:FirstMessage:MaxPendingSocketsPerClient must be at least 1; it is {options.MaxPendingSocketsPerClient}.");
        }

        if (options.MaxPendingSocketsPerNetwork < 1)
        {
            errors.Add($"WsAuth:FirstMessage:MaxPendingSocketsPerNetwork must be at least 1; it is {options.MaxPendingSocketsPerNetwork}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
