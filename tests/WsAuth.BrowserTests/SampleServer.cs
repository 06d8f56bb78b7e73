using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WsAuth.Testing;

namespace WsAuth.BrowserTests;

/// <summary>
/// The real sample app (its Program, configuration, page and the /js/ client), in-process on Kestrel at 127.0.0.1 with
/// an OS-assigned port. The browser reaches it as <see cref="Origin"/>: Chromium maps that host name to the real port
/// (see <see cref="BrowserFixture"/>), so the allow-list is known before the port is, and the test needs no fixed port.
/// </summary>
public sealed class SampleServer : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    public SampleServer(string origin, IDictionary<string, string?>? settings = null)
    {
        Origin = origin;
        _settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["WsAuth:AllowedOrigins:0"] = origin,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
    }

    /// <summary>The origin the browser uses for the sample, e.g. <c>http://app.wsauth.test</c>.</summary>
    public string Origin { get; }

    /// <summary>Every log line of the sample, WsAuth's included, at Trace.</summary>
    public LogCapture Logs { get; } = new();

    /// <summary>Every WebSocket handshake that reached the sample, as the server saw it (cookie names, never values).</summary>
    public ConcurrentQueue<HandshakeRecord> Handshakes { get; } = new();

    /// <summary>The real address Kestrel listens on.</summary>
    public Uri ListeningUri { get; private set; } = null!;

    public void Start()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        ListeningUri = new Uri(addresses.Single());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            logging.AddProvider(Logs);
        });
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new HandshakeRecorder(Handshakes)));
    }

    /// <summary>Records handshakes before anything else in the pipeline sees them, and their final status.</summary>
    private sealed class HandshakeRecorder(ConcurrentQueue<HandshakeRecord> records) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                if (!context.Request.Headers.Upgrade.ToString().Contains("websocket", StringComparison.OrdinalIgnoreCase))
                {
                    await nextMiddleware(context);
                    return;
                }

                var record = new HandshakeRecord(
                    context.Request.Path.ToString(),
                    context.Request.Headers.Origin.ToString(),
                    [.. context.Request.Cookies.Keys]);
                records.Enqueue(record);
                try
                {
                    await nextMiddleware(context);
                }
                finally
                {
                    record.Status = context.Response.StatusCode;
                }
            });
            next(app);
        };
    }
}

/// <summary>One handshake as the server saw it: path, Origin header and the names (not values) of its cookies.</summary>
public sealed record HandshakeRecord(string Path, string Origin, string[] CookieNames)
{
    /// <summary>The response status once the pipeline finished: 101 when upgraded.</summary>
    public int? Status { get; set; }
}
