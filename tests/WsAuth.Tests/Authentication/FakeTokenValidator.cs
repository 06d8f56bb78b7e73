using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace WsAuth.Tests.Authentication;

/// <summary>Accepts tokens that start with <c>good</c> (the user is the token), rejects the rest; records what it saw.</summary>
internal sealed class FakeTokenValidator : IWebSocketTokenValidator
{
    public List<string> Seen { get; } = [];

    public ValueTask<WebSocketAuthenticateResult> ValidateAsync(string token, HttpContext context, CancellationToken cancellationToken)
    {
        Seen.Add(token);
        return ValueTask.FromResult(token.StartsWith("good", StringComparison.Ordinal)
            ? WebSocketAuthenticateResult.Success(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, token)], "fake")))
            : WebSocketAuthenticateResult.Fail(WebSocketAuthFailureReasons.InvalidSignature));
    }

    public static WebSocketAuthenticateContext Handshake(Action<HttpRequest> configure)
    {
        var http = new DefaultHttpContext();
        configure(http.Request);
        return new WebSocketAuthenticateContext(http, WebSocketOriginStatus.Allowed, "https://app.example.com");
    }
}
