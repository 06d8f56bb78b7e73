using System.Net;
using Microsoft.AspNetCore.Builder;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

public class EndpointMetadataTests
{
    private static Task<KestrelTestApp> StartAsync() => HandshakeApp.StartAsync(map: (a, t) =>
    {
        a.Map("/admin", t.WelcomeEchoAsync).RequireWebSocketAuth("admins");
        a.Map("/public", t.WelcomeEchoAsync).DisableWebSocketAuth();
        a.Map("/both", t.WelcomeEchoAsync).RequireWebSocketAuth("admins").DisableWebSocketAuth();
        a.Map("/cookie-only", t.WelcomeEchoAsync).WithWebSocketAuthMethods(WebSocketAuthDefaults.CookieMethod);
        a.Map("/header-only", t.WelcomeEchoAsync).WithWebSocketAuthMethods("header");
        a.Map("/nothing-registered", t.WelcomeEchoAsync).WithWebSocketAuthMethods(WebSocketAuthDefaults.TicketMethod);
    });

    [Fact]
    public async Task PolicyFailure_Gets403_PolicySuccess_Gets101()
    {
        await using var app = await StartAsync();
        Assert.Equal(HttpStatusCode.Forbidden, await HandshakeApp.StatusAsync(app, HandshakeApp.AllowedOrigin, user: "alice", path: "/admin"));
        Assert.Equal(0, app.EndpointInvocations);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await HandshakeApp.StatusAsync(app, HandshakeApp.AllowedOrigin, user: "root", path: "/admin"));
    }

    [Fact]
    public async Task PolicyEndpoint_StillRequiresAuthentication()
        => await AssertStatusAsync("/admin", origin: HandshakeApp.AllowedOrigin, user: null, HttpStatusCode.Unauthorized);

    [Fact]
    public async Task DisabledEndpoint_IsNotGuarded()
        => await AssertStatusAsync("/public", origin: "https://evil.test", user: null, HttpStatusCode.SwitchingProtocols);

    [Fact]
    public async Task DisableWinsOverRequire()
        => await AssertStatusAsync("/both", origin: "https://evil.test", user: null, HttpStatusCode.SwitchingProtocols);

    private static async Task AssertStatusAsync(string path, string? origin, string? user, HttpStatusCode expected)
    {
        await using var app = await StartAsync();
        Assert.Equal(expected, await HandshakeApp.StatusAsync(app, origin, user: user, path: path));
    }

    [Fact]
    public async Task MethodsMetadata_AsksOnlyTheListedAuthenticators()
    {
        // Arrange
        await using var app = await StartAsync();
        var cookie = await HandshakeApp.LoginCookieAsync(app, "alice");

        // Act/Assert: the header credential is not asked on a cookie-only route, and the cookie not on a header-only one.
        Assert.Equal(HttpStatusCode.Unauthorized, await HandshakeApp.StatusAsync(app, HandshakeApp.AllowedOrigin, user: "alice", path: "/cookie-only"));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await HandshakeApp.StatusAsync(app, HandshakeApp.AllowedOrigin, cookie: cookie, path: "/cookie-only"));
        Assert.Equal(HttpStatusCode.Unauthorized, await HandshakeApp.StatusAsync(app, HandshakeApp.AllowedOrigin, cookie: cookie, path: "/header-only"));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await HandshakeApp.StatusAsync(app, HandshakeApp.AllowedOrigin, user: "alice", path: "/header-only"));
        Assert.Equal(2, app.EndpointInvocations);
    }

    [Fact]
    public async Task MethodsMetadata_NamingNoRegisteredMethod_RefusesEveryCredential()
    {
        await using var app = await StartAsync();
        var cookie = await HandshakeApp.LoginCookieAsync(app, "alice");
        Assert.Equal(HttpStatusCode.Unauthorized, await HandshakeApp.StatusAsync(app, HandshakeApp.AllowedOrigin, user: "alice", cookie: cookie, path: "/nothing-registered"));
        Assert.Equal(0, app.EndpointInvocations);
    }

    [Fact]
    public async Task MethodsMetadata_KeepsTheOriginCheck()
    {
        await using var app = await StartAsync();
        var cookie = await HandshakeApp.LoginCookieAsync(app, "alice");
        Assert.Equal(HttpStatusCode.Forbidden, await HandshakeApp.StatusAsync(app, "https://evil.test", cookie: cookie, path: "/cookie-only"));
    }

    [Fact]
    public void WithWebSocketAuthMethods_WithoutAMethod_Throws()
    {
        var builder = WebApplication.CreateBuilder();
        var app = builder.Build();
        Assert.Throws<ArgumentException>(() => app.Map("/x", () => "x").WithWebSocketAuthMethods());
        Assert.Throws<ArgumentException>(() => app.Map("/y", () => "y").WithWebSocketAuthMethods(" "));
    }
}
