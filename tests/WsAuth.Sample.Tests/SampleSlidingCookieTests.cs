using System.Net;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using WsAuth.Testing;

namespace WsAuth.Sample.Tests;

/// <summary>
/// Sliding expiration reissues a cookie with a new issue time; the sample never renews a revoked one, so a revoked
/// cookie presented past half its lifetime (at a handshake, where the cookie handler runs and WsAuth answers 401
/// revoked) gets no fresh cookie that would escape the revocation.
/// </summary>
public class SampleSlidingCookieTests
{
    [Fact]
    public async Task RevokedCookie_PastHalfItsLifetime_IsNotRenewed_AndStaysRevoked()
    {
        // Arrange: the sample with a 4-second sliding cookie, on Kestrel (raw handshakes show the response headers).
        await using var sample = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Development");
            b.UseSetting("WsAuth:AllowedOrigins:0", SampleClient.Origin);
            b.ConfigureServices(s => s.PostConfigure<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme, o =>
            {
                o.ExpireTimeSpan = TimeSpan.FromSeconds(4);
                o.SlidingExpiration = true;
            }));
        });
        sample.UseKestrel(0);
        sample.StartServer();
        var server = new Uri(sample.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var laptop = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = server };
        using var login = await laptop.PostAsync("/auth/login", new StringContent("{\"user\":\"alice\"}", System.Text.Encoding.UTF8, "application/json"));
        var setCookie = login.Headers.GetValues("Set-Cookie").Single();
        var cookie = setCookie[..setCookie.IndexOf(';', StringComparison.Ordinal)];
        await Task.Delay(1100);
        using var revoke = new HttpRequestMessage(HttpMethod.Post, "/auth/logout-everywhere");
        revoke.Headers.Add("Origin", SampleClient.Origin);
        revoke.Headers.Add("Cookie", cookie);
        using var revoked = await laptop.SendAsync(revoke);
        Assert.True(revoked.IsSuccessStatusCode);

        // Act: past half the lifetime, the (revoked) cookie comes back with a handshake.
        await Task.Delay(1500);
        var handshake = await RawHandshake.SendAsync(server, "/ws", [("Origin", SampleClient.Origin), ("Cookie", cookie)]);

        // Assert
        Assert.Equal((HttpStatusCode.Unauthorized, "revoked"), (handshake.Status, handshake.Body));
        Assert.Empty(handshake.HeaderValues("Set-Cookie"));
    }
}
