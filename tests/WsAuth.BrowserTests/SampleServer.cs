using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using WsAuth.Testing;

namespace WsAuth.BrowserTests;

/// <summary>
/// The real sample app (its Program, configuration, page and the /js/ client), in-process on Kestrel at 127.0.0.1 with
/// an OS-assigned port. The browser reaches it as <see cref="Origin"/>: Chromium maps that host name to the real port
/// (see <see cref="BrowserFixture"/>), so the allow-list is known before the port is, and the test needs no fixed port.
/// Rate limiting stays on as in production: every browser test comes from 127.0.0.1, and the few credentials the tests
/// get refused on purpose stay far below the lockout (30 rejected credentials a minute per address).
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
    public FakeLogCollector Logs { get; } = new();

    /// <summary>Every WebSocket handshake that reached the sample, as the server saw it (cookie names, never values).</summary>
    public ConcurrentQueue<RequestRecord> Handshakes { get; } = new();

    /// <summary>Every request to the ticket endpoint (<c>/ws/ticket</c>), as the server saw it, with its final status.</summary>
    public ConcurrentQueue<RequestRecord> TicketRequests { get; } = new();

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
            logging.AddProvider(new FakeLoggerProvider(Logs));
        });
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new RequestRecorder(Handshakes, TicketRequests)));
    }

    /// <summary>Records handshakes and ticket requests before anything else in the pipeline sees them, and their final status.</summary>
    private sealed class RequestRecorder(ConcurrentQueue<RequestRecord> handshakes, ConcurrentQueue<RequestRecord> ticketRequests) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                var records = context.Request.Headers.Upgrade.ToString().Contains("websocket", StringComparison.OrdinalIgnoreCase)
                    ? handshakes
                    : context.Request.Path.StartsWithSegments("/ws/ticket", StringComparison.Ordinal) ? ticketRequests : null;
                if (records is null)
                {
                    await nextMiddleware(context);
                    return;
                }

                var record = new RequestRecord(
                    context.Request.Method,
                    context.Request.Path.ToString(),
                    context.Request.Headers.Origin.ToString(),
                    [.. context.Request.Cookies.Keys]);
                records.Enqueue(record);

                // When the response starts: an upgraded socket's pipeline only completes when the socket closes.
                context.Response.OnStarting(() =>
                {
                    record.Status = context.Response.StatusCode;
                    return Task.CompletedTask;
                });
                try
                {
                    await nextMiddleware(context);
                }
                finally
                {
                    record.Status ??= context.Response.StatusCode;
                }
            });
            next(app);
        };
    }
}

/// <summary>One request as the server saw it: method, path, Origin header and the names (not values) of its cookies.</summary>
public sealed record RequestRecord(string Method, string Path, string Origin, string[] CookieNames)
{
    /// <summary>The response status as the response started (101 when upgraded), or when the pipeline finished.</summary>
    public int? Status { get; set; }
}
