using System.Globalization;
using Microsoft.Extensions.Options;

namespace WsAuth.Internal;

/// <summary>Validates <see cref="WebSocketTicketOptions"/> once, at startup, and reports every problem with its fix.</summary>
internal sealed class WebSocketTicketOptionsValidator : IValidateOptions<WebSocketTicketOptions>
{
    public ValidateOptionsResult Validate(string? name, WebSocketTicketOptions options)
    {
        var errors = new List<string>();
        var max = WebSocketTicketOptions.MaxLifetime;
        if (options.Lifetime > max)
        {
            errors.Add($"WsAuth: the ticket lifetime {Format(options.Lifetime)} is longer than the maximum {Format(max)}. A ticket is redeemed "
                + "seconds after it is issued, and a long-lived one is a bearer credential in every URL log. Set WsAuth:Tickets:Lifetime "
                + $"(or WebSocketTicketOptions.Lifetime) to at most {Format(max)}; the default is 00:00:30.");
        }
        else if (options.Lifetime < WebSocketTicketOptions.MinLifetime)
        {
            errors.Add($"WsAuth: the ticket lifetime {Format(options.Lifetime)} is shorter than one second, so no client could redeem a ticket. "
                + "Set WsAuth:Tickets:Lifetime (or WebSocketTicketOptions.Lifetime) between 00:00:01 and "
                + $"{Format(max)}; the default is 00:00:30.");
        }

        if (!IsQueryParameterName(options.QueryParameter))
        {
            errors.Add("WsAuth: WsAuth:Tickets:QueryParameter (WebSocketTicketOptions.QueryParameter) must be 1 to 64 letters, digits, '_', '.' "
                + "or '-'; the default is \"ticket\".");
        }

        if (options.SubprotocolPrefix is { Length: > 0 } prefix && !IsProtocolToken(prefix))
        {
            errors.Add("WsAuth: WsAuth:Tickets:SubprotocolPrefix (WebSocketTicketOptions.SubprotocolPrefix) must be 1 to 64 letters, digits, "
                + "'_', '.' or '-', such as \"wsauth.ticket.\"; leave it empty to read tickets from the query string only.");
        }

        if (options.MemoryStoreCapacity < 1)
        {
            errors.Add("WsAuth: WsAuth:Tickets:MemoryStoreCapacity (WebSocketTicketOptions.MemoryStoreCapacity) must be at least 1; "
                + "the default is 100000.");
        }

        if (options.IssuePermitsPerUser < 0)
        {
            errors.Add($"WsAuth: WsAuth:Tickets:IssuePermitsPerUser must be 0 (off) or more; it is {options.IssuePermitsPerUser}. The default is 60.");
        }

        if (options.IssuePermitsPerClient < 0)
        {
            errors.Add($"WsAuth: WsAuth:Tickets:IssuePermitsPerClient must be 0 (off) or more; it is {options.IssuePermitsPerClient}. The default is 300.");
        }

        if (options.IssueWindow < TimeSpan.FromSeconds(1) || options.IssueWindow > TimeSpan.FromHours(1))
        {
            errors.Add($"WsAuth: WsAuth:Tickets:IssueWindow must be between 00:00:01 and 01:00:00; it is {Format(options.IssueWindow)}. The default is 00:01:00.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static string Format(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);

    private static bool IsQueryParameterName(string? value)
        => value is { Length: > 0 and <= ReasonCode.MaxLength } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');

    private static bool IsProtocolToken(string value) => IsQueryParameterName(value);
}
