using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WsAuth.Internal;

/// <summary>
/// Authenticates the handshake with a token in the query string (<c>?access_token=</c>). URLs end up in logs, proxies and
/// browser history, so this method is off unless added, and WsAuth warns at startup when the app logs request URLs.
/// </summary>
internal sealed partial class QueryTokenWebSocketAuthenticator : IWebSocketAuthenticator
{
    /// <summary>The category under which ASP.NET Core hosting logs "Request starting ... ?query" at Information.</summary>
    public const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    private readonly IWebSocketTokenValidator _validator;
    private readonly string _parameter;

    public QueryTokenWebSocketAuthenticator(
        IWebSocketTokenValidator validator,
        IOptions<WebSocketQueryTokenOptions> options,
        ILoggerFactory loggerFactory)
    {
        _validator = validator;
        _parameter = options.Value.ParameterName;

        // Resolved when the middleware is built, at startup: the warning comes before any request.
        if (loggerFactory.CreateLogger(HostingDiagnosticsCategory).IsEnabled(LogLevel.Information))
        {
            Log.UrlsAreLogged(loggerFactory.CreateLogger<QueryTokenWebSocketAuthenticator>(), _parameter, HostingDiagnosticsCategory);
        }
    }

    public async ValueTask<WebSocketAuthenticateResult> AuthenticateAsync(WebSocketAuthenticateContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var values = ExactQuery.Get(context.HttpContext.Request, _parameter);
        if (values.Count == 0)
        {
            return WebSocketAuthenticateResult.NoCredentials;
        }

        if (values.Count > 1)
        {
            return WebSocketAuthenticateResult.Fail(WebSocketAuthFailureReasons.TokenMultiple, StatusCodes.Status400BadRequest);
        }

        var token = values[0];
        if (string.IsNullOrEmpty(token))
        {
            return WebSocketAuthenticateResult.Fail(WebSocketAuthFailureReasons.TokenMissing, StatusCodes.Status400BadRequest);
        }

        if (TicketWebSocketAuthenticator.AsAccessToken(context.HttpContext) && TicketCodec.IsTicketShaped(token))
        {
            return WebSocketAuthenticateResult.NoCredentials; // a WsAuth ticket sent as SignalR's access_token: the ticket method's
        }

        return await TokenValidation.ValidateAsync(_validator, token, context.HttpContext, cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(120, LogLevel.Warning, "WsAuth accepts tokens in the query string (?{Parameter}=), and {Category} logs at Information: every handshake URL, token included, is written to the logs. Raise that category to Warning (Logging:LogLevel:{Category}=Warning), or use tickets or the subprotocol token instead of the query string.", EventName = "QueryTokenUrlsLogged")]
        public static partial void UrlsAreLogged(ILogger logger, string parameter, string category);
    }
}
