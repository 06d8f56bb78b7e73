using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WsAuth.Internal;

/// <summary>Options of <see cref="AuthenticationSchemeTokenValidator"/>.</summary>
internal sealed class AuthenticationSchemeTokenValidatorOptions
{
    public string? Scheme { get; set; }
}

/// <summary>
/// Validates tokens with an ASP.NET Core authentication scheme the app already has (typically JwtBearer), so its
/// validation parameters and events are reused. The token is presented to a fresh handler of the scheme as
/// <c>Authorization: Bearer &lt;token&gt;</c>; the request's own header is restored afterwards.
/// </summary>
/// <remarks>
/// A fresh handler per call, not <c>HttpContext.AuthenticateAsync</c>: handlers cache their result per request, so an
/// earlier <c>UseAuthentication()</c> (or the token of the handshake, for a refresh) would be answered instead.
/// </remarks>
internal sealed partial class AuthenticationSchemeTokenValidator(
    IOptions<AuthenticationSchemeTokenValidatorOptions> options,
    ILogger<AuthenticationSchemeTokenValidator> logger) : IWebSocketTokenValidator
{
    private readonly string _scheme = options.Value.Scheme!;

    public async ValueTask<WebSocketAuthenticateResult> ValidateAsync(string token, HttpContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(context);

        var services = context.RequestServices;
        var scheme = await services.GetRequiredService<IAuthenticationSchemeProvider>().GetSchemeAsync(_scheme);
        if (scheme is null)
        {
            Log.SchemeMissing(logger, _scheme);
            return WebSocketAuthenticateResult.Fail(WebSocketAuthFailureReasons.TokenValidatorError, StatusCodes.Status500InternalServerError);
        }

        var handler = (services.GetService(scheme.HandlerType) ?? ActivatorUtilities.CreateInstance(services, scheme.HandlerType)) as IAuthenticationHandler;
        if (handler is null)
        {
            Log.SchemeMissing(logger, _scheme);
            return WebSocketAuthenticateResult.Fail(WebSocketAuthFailureReasons.TokenValidatorError, StatusCodes.Status500InternalServerError);
        }

        var headers = context.Request.Headers;
        var original = headers.Authorization;
        AuthenticateResult result;
        try
        {
            headers.Authorization = AuthorizationHeader.BearerScheme + " " + token;
            await handler.InitializeAsync(scheme, context);
            result = await handler.AuthenticateAsync();
        }
        finally
        {
            headers.Authorization = original;
        }

        if (result.Succeeded && result.Principal.Identity?.IsAuthenticated == true)
        {
            return WebSocketAuthenticateResult.Success(result.Principal, result.Properties?.ExpiresUtc, result.Properties?.IssuedUtc);
        }

        if (result.Failure is { } failure)
        {
            // Only the exception type: the handler's messages can contain the token.
            var reason = TokenFailureReasons.FromException(failure);
            Log.SchemeRejected(logger, _scheme, reason, failure.GetType().Name);
            return WebSocketAuthenticateResult.Fail(reason);
        }

        Log.SchemeNoResult(logger, _scheme);
        return WebSocketAuthenticateResult.Fail(WebSocketAuthFailureReasons.InvalidToken);
    }

    private static partial class Log
    {
        [LoggerMessage(110, LogLevel.Debug, "The authentication scheme {Scheme} rejected the token: {Reason} ({ExceptionType}).", EventName = "SchemeTokenRejected")]
        public static partial void SchemeRejected(ILogger logger, string scheme, string reason, string exceptionType);

        [LoggerMessage(111, LogLevel.Warning, "The authentication scheme {Scheme} returned no result for the token WsAuth gave it as 'Authorization: Bearer'. Make sure the scheme reads that header (JwtBearer does unless OnMessageReceived sets another token).", EventName = "SchemeTokenNoResult")]
        public static partial void SchemeNoResult(ILogger logger, string scheme);

        [LoggerMessage(112, LogLevel.Error, "The authentication scheme {Scheme} that WsAuth forwards tokens to is not registered (or its handler is not an IAuthenticationHandler).", EventName = "SchemeTokenSchemeMissing")]
        public static partial void SchemeMissing(ILogger logger, string scheme);
    }
}
