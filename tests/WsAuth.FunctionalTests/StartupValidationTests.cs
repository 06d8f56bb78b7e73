using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

public class StartupValidationTests
{
    [Fact]
    public async Task NoAllowedOrigins_AppFailsToStartNamingTheFix()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => KestrelTestApp.StartAsync(
            b => b.Services.AddWebSocketAuth(_ => { }).AddAuthenticator<HeaderAuthenticator>("header"),
            (a, t) => a.UseWebSocketAuth()));
        Assert.Contains("WsAuth:AllowedOrigins:0=https://app.example.com", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyOriginWithCookies_AppFailsToStart()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => KestrelTestApp.StartAsync(
            b => b.Services.AddWebSocketAuth(o => o.AllowAnyOrigin = true).AddCookie(),
            (a, t) => a.UseWebSocketAuth()));
        Assert.Contains("cross-site WebSocket hijacking", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidOriginFromTheCommandLine_AppFailsToStart()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => KestrelTestApp.StartAsync(
            b =>
            {
                b.Configuration["WsAuth:AllowedOrigins:0"] = "https://*.com";
                b.Services.AddWebSocketAuth().AddAuthenticator<HeaderAuthenticator>("header");
            },
            (a, t) => a.UseWebSocketAuth()));
        Assert.Contains("too broad", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseWithoutAdd_ThrowsNamingTheFix()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => KestrelTestApp.StartAsync(_ => { }, (a, t) => a.UseWebSocketAuth()));
        Assert.Contains("AddWebSocketAuth", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OriginsFromConfiguration_AreEnforced()
    {
        await using var app = await KestrelTestApp.StartAsync(
            b =>
            {
                b.Configuration["WsAuth:AllowedOrigins:0"] = "https://configured.example.com";
                b.Services.AddWebSocketAuth().AddAuthenticator<HeaderAuthenticator>("header");
            },
            (a, t) =>
            {
                a.UseWebSocketAuth();
                t.MapWelcomeEcho(a);
            });
        Assert.Equal(System.Net.HttpStatusCode.SwitchingProtocols, await HandshakeApp.StatusAsync(app, "https://configured.example.com", user: "a"));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, await HandshakeApp.StatusAsync(app, HandshakeApp.AllowedOrigin, user: "a"));
    }
}
