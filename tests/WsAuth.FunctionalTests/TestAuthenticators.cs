using System.Security.Claims;

namespace WsAuth.FunctionalTests;

/// <summary>
/// A non-ambient test credential: <c>X-Test-User: name</c> authenticates as name, <c>X-Test-User: bad</c> is a
/// presented-but-invalid credential, <c>X-Test-User: throw</c> makes the authenticator throw with the "secret" in the message.
/// </summary>
internal sealed class HeaderAuthenticator : IWebSocketAuthenticator
{
    public const string Header = "X-Test-User";
    public const string SecretInException = "super-secret-token-in-exception";

    public ValueTask<WebSocketAuthenticateResult> AuthenticateAsync(WebSocketAuthenticateContext context, CancellationToken cancellationToken)
    {
        var value = context.HttpContext.Request.Headers[Header].ToString();
        return value switch
        {
            "" => ValueTask.FromResult(WebSocketAuthenticateResult.NoCredentials),
            "bad" => ValueTask.FromResult(WebSocketAuthenticateResult.Fail(WebSocketAuthFailureReasons.InvalidCredentials)),
            "throw" => throw new InvalidOperationException("validation failed for " + SecretInException),
            _ => ValueTask.FromResult(WebSocketAuthenticateResult.Success(
                new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, value), new Claim(ClaimTypes.Role, value == "root" ? "admin" : "user")], "test")))),
        };
    }
}
