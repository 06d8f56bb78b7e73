using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WsAuth.Tests.Internal;

public class WebSocketAuthOptionsValidatorTests
{
    private static OptionsValidationException Validate(Action<WebSocketAuthOptions> configure, Action<WebSocketAuthBuilder>? build = null)
    {
        var services = new ServiceCollection();
        var builder = services.AddWebSocketAuth(configure);
        build?.Invoke(builder);
        using var provider = services.BuildServiceProvider();
        return Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<WebSocketAuthOptions>>().Value);
    }

    [Fact]
    public void NoAllowedOrigins_FailsNamingTheFix()
    {
        var ex = Validate(_ => { }, b => b.AddCookie());
        Assert.Contains("AllowedOrigins", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AllowAnyOrigin", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoAuthenticator_FailsNamingTheFix()
    {
        var ex = Validate(o => o.AllowedOrigins.Add("https://app.example.com"));
        Assert.Contains("no authenticator", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AddCookie()", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnyOriginWithCookies_Fails()
    {
        var ex = Validate(o => o.AllowAnyOrigin = true, b => b.AddCookie());
        Assert.Contains("AllowAnyOrigin cannot be combined with ambient credentials (cookie)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnyOriginWithNonAmbientAuthenticator_IsValid()
    {
        var services = new ServiceCollection();
        services.AddWebSocketAuth(o => o.AllowAnyOrigin = true).AddAuthenticator<NullAuthenticator>("custom");
        using var provider = services.BuildServiceProvider();
        Assert.True(provider.GetRequiredService<IOptions<WebSocketAuthOptions>>().Value.AllowAnyOrigin);
    }

    [Fact]
    public void InvalidOrigin_FailsNamingTheEntry()
    {
        var ex = Validate(o => o.AllowedOrigins.Add("https://app.example.com/path"), b => b.AddCookie());
        Assert.Contains("\"https://app.example.com/path\" is not a valid origin", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryProblemIsReportedAtOnce()
    {
        var ex = Validate(o => o.AllowedOrigins.Add("*"));
        Assert.Equal(2, ex.Failures.Count());
    }

    [Fact]
    public void DuplicateMethodName_Fails()
    {
        var ex = Validate(o => o.AllowedOrigins.Add("https://app.example.com"), b => b.AddAuthenticator<NullAuthenticator>("x").AddAuthenticator<NullAuthenticator>("x"));
        Assert.Contains("\"x\" is registered 2 times", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EventsTypeOfWrongType_Fails()
    {
        var ex = Validate(o => { o.AllowedOrigins.Add("https://app.example.com"); o.EventsType = typeof(string); }, b => b.AddCookie());
        Assert.Contains("EventsType", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Cookie")]
    [InlineData("has space")]
    public void InvalidMethodName_Throws(string method)
    {
        var builder = new ServiceCollection().AddWebSocketAuth(o => { });
        Assert.Throws<ArgumentException>(() => builder.AddAuthenticator<NullAuthenticator>(method));
    }

    internal sealed class NullAuthenticator : IWebSocketAuthenticator
    {
        public ValueTask<WebSocketAuthenticateResult> AuthenticateAsync(WebSocketAuthenticateContext context, CancellationToken cancellationToken)
            => ValueTask.FromResult(WebSocketAuthenticateResult.NoCredentials);
    }
}
