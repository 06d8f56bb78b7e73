using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using WsAuth.LoadTest.Scenarios;

namespace WsAuth.LoadTest;

/// <summary>
/// <c>serve &lt;id&gt;</c>: hosts one .NET scenario's server on 127.0.0.1 (port chosen by the OS), prints
/// <c>READY &lt;url&gt;</c>, and runs until standard input closes. Every scenario gets the same slim host, logging off,
/// and the same endpoints; only what the scenario adds differs.
/// </summary>
internal static class ServeCommand
{
    public static async Task<int> RunAsync(string id)
    {
        var scenario = ScenarioCatalog.FindDotNet(id);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        scenario.ConfigureServices(builder);

        await using var app = builder.Build();
        scenario.ConfigurePipeline(app);
        BenchEndpoints.Map(app, scenario);
        await app.StartAsync();

        Console.Out.WriteLine("READY " + app.Urls.First());
        Console.Out.Flush();
        await Console.In.ReadToEndAsync(); // the driver closes our standard input to stop us
        await app.StopAsync();
        return 0;
    }
}
