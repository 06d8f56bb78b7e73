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
}
