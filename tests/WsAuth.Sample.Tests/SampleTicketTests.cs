using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using WsAuth.Testing;

namespace WsAuth.Sample.Tests;

/// <summary>The sample app offers tickets end to end on the in-memory store, configured from its documented keys.</summary>
public class SampleTicketTests
{
    private static WebApplicationFactory<Program> Sample(params (string Key, string Value)[] settings)
        => new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Development");
            b.UseSetting("WsAuth:AllowedOrigins:0", SampleClient.Origin);
            foreach (var (key, value) in settings)
            {
                b.UseSetting(key, value);
            }
        });

    [Fact]
    public async Task Sample_LoginTicketConnect_Works_AndReplayIsRejected()
    {
        await using var sample = Sample();
        using var http = sample.CreateClient();

        var (ticket, expiresIn) = await SampleClient.LoginAndGetTicketAsync(http, "alice");
        var welcome = await SampleClient.ConnectAsync(sample.Server, ticket);

        Assert.Equal(30, expiresIn);
        Assert.Equal("welcome", welcome.GetProperty("type").GetString());
        Assert.Equal("alice", welcome.GetProperty("user").GetString());
        Assert.Equal("ticket", welcome.GetProperty("method").GetString());
        await Assert.ThrowsAnyAsync<Exception>(() => SampleClient.ConnectAsync(sample.Server, ticket));
    }

    [Fact]
    public async Task Sample_TicketLifetime_ComesFromConfiguration()
    {
        await using var sample = Sample(("WsAuth:Tickets:Lifetime", "00:00:12"));
        using var http = sample.CreateClient();
        var (_, expiresIn) = await SampleClient.LoginAndGetTicketAsync(http);
        Assert.Equal(12, expiresIn);
    }
}
