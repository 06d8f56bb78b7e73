using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using WsAuth.Testing;

namespace WsAuth.Sample.Tests;

/// <summary>
/// The sample's Redis contract: instances given the same <c>WsAuth:Redis:Configuration</c>, <c>Sample:JwtSigningKey</c> and
/// <c>Sample:DataProtectionKeysPath</c> share logins and tickets: a ticket issued by one is redeemed once on either.
/// </summary>
public class SampleRedisTests
{
    [RedisFact]
    [Trait("Matrix", "RV2")]
    public async Task TwoSampleInstances_SharingRedis_ShareTicketsAndLogins_AndATicketWorksOnce()
    {
        // Arrange: two instances on Kestrel, as behind a load balancer.
        var keys = Directory.CreateTempSubdirectory("wsauth-sample-keys-");
        try
        {
            var settings = new Dictionary<string, string?>
            {
                ["WsAuth:AllowedOrigins:0"] = SampleClient.Origin,
                ["WsAuth:Redis:Configuration"] = RedisTestServer.Configuration,
                ["WsAuth:Redis:KeyPrefix"] = RedisTestServer.NewKeyPrefix(),
                ["WsAuth:Redis:OperationTimeout"] = "00:00:10", // a busy test machine is no outage
                ["Sample:JwtSigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
                ["Sample:DataProtectionKeysPath"] = keys.FullName,
            };
            await using var a = Start(settings, out var uriA);
            await using var b = Start(settings, out var uriB);
            using var http = new HttpClient(new HttpClientHandler { UseCookies = false });

            // Act: log in on A; ask B for a ticket with A's cookie; redeem on A; replay on B.
            using var login = await http.PostAsJsonAsync(new Uri(uriA, "/auth/login"), new { user = "carol" });
            var cookie = login.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(uriB, "/ws/ticket"));
            request.Headers.Add("Cookie", cookie);
            request.Headers.Add("Origin", SampleClient.Origin);
            using var issued = await http.SendAsync(request);
            var ticket = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ticket").GetString()!;
            using var socket = await WebSocketTestClient.ConnectAsync(new Uri($"ws://{uriA.Authority}/ws?ticket={Uri.EscapeDataString(ticket)}"), SampleClient.Origin);
            var welcome = JsonDocument.Parse(await WebSocketTestClient.ReceiveTextAsync(socket)).RootElement;
            var replayOnB = await RawHandshake.SendAsync(uriB, "/ws?ticket=" + Uri.EscapeDataString(ticket), [("Origin", SampleClient.Origin)]);
            var replayOnA = await RawHandshake.SendAsync(uriA, "/ws?ticket=" + Uri.EscapeDataString(ticket), [("Origin", SampleClient.Origin)]);
            using var healthA = await http.GetAsync(new Uri(uriA, "/healthz"));

            // Assert
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
            Assert.Equal("carol", welcome.GetProperty("user").GetString());
            Assert.Equal("ticket", welcome.GetProperty("method").GetString());
            Assert.Equal(HttpStatusCode.Unauthorized, replayOnB.Status);
            Assert.Equal(WebSocketAuthFailureReasons.TicketInvalid, replayOnB.Body);
            Assert.Equal(WebSocketAuthFailureReasons.TicketInvalid, replayOnA.Body);
            Assert.Equal(HttpStatusCode.OK, healthA.StatusCode);
            Assert.Equal("Healthy", await healthA.Content.ReadAsStringAsync());
        }
        finally
        {
            keys.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Sample_MapsHealthz_HealthyOnTheInMemoryStore()
    {
        await using var sample = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Development");
            b.UseSetting("WsAuth:AllowedOrigins:0", SampleClient.Origin);
        });
        using var http = sample.CreateClient();

        using var response = await http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    private static WebApplicationFactory<Program> Start(Dictionary<string, string?> settings, out Uri uri)
    {
        var sample = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Development");
            b.UseSetting("urls", "http://127.0.0.1:0"); // never Kestrel's default port: other tests start samples too
            foreach (var (key, value) in settings)
            {
                b.UseSetting(key, value);
            }
        });
        sample.UseKestrel();
        sample.StartServer();
        uri = new Uri(sample.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return sample;
    }
}
