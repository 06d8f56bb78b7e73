using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace WsAuth.Testing;

/// <summary>
/// A real Kestrel server on 127.0.0.1 with an OS-assigned port, its logs captured at Trace. Every test gets its own.
/// </summary>
public sealed class KestrelTestApp : IAsyncDisposable
{
    private static readonly Lazy<string> EmptyContentRoot = new(() =>
        Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "wsauth-kestrel-test-app-" + Environment.ProcessId)).FullName);

    private int _endpointInvocations;

    private KestrelTestApp(WebApplication app, FakeLogCollector logs)
    {
        App = app;
        Logs = logs;
    }

    public WebApplication App { get; }

    /// <summary>Every log record of the app, at Trace.</summary>
    public FakeLogCollector Logs { get; }

    public Uri HttpUri { get; private set; } = null!;

    /// <summary>How many times an endpoint mapped with <see cref="MapWelcomeEcho"/> ran.</summary>
    public int EndpointInvocations => Volatile.Read(ref _endpointInvocations);

    public Uri WebSocketUri(string pathAndQuery = "/ws")
        => new($"ws://{HttpUri.Authority}{pathAndQuery}");

    public string Origin => $"http://{HttpUri.Authority}";

    public static async Task<KestrelTestApp> StartAsync(
        Action<WebApplicationBuilder> configureBuilder,
        Action<WebApplication, KestrelTestApp> configureApp,
        string environment = "Development",
        HttpProtocols protocols = HttpProtocols.Http1,
        IPAddress? address = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ApplicationName = typeof(KestrelTestApp).Assembly.GetName().Name,

            // An empty content root: an appsettings.json copied into the test output (the sample's, through a project
            // reference) must not filter the logs the tests capture at Trace or change any option.
            ContentRootPath = EmptyContentRoot.Value,
        });
        builder.WebHost.UseKestrel(k => k.Listen(address ?? IPAddress.Loopback, 0, listen => listen.Protocols = protocols));
        var logs = new FakeLogCollector();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(new FakeLoggerProvider(logs));
        configureBuilder(builder);

        var app = builder.Build();
        var testApp = new KestrelTestApp(app, logs);
        configureApp(app, testApp);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            // A host that failed to start still owns services (connection pools, timers): release them.
            await app.DisposeAsync();
            throw;
        }

        testApp.HttpUri = new Uri(app.Urls.First());
        return testApp;
    }

    /// <summary>
    /// Maps the sample's contract on <paramref name="path"/>: after accepting, sends
    /// <c>{"type":"welcome","user":…,"method":…}</c>, then echoes text messages. Counts invocations.
    /// </summary>
    public void MapWelcomeEcho(IEndpointRouteBuilder endpoints, string path = "/ws")
        => endpoints.Map(path, context => WelcomeEchoAsync(context));

    public async Task WelcomeEchoAsync(HttpContext context)
    {
        Interlocked.Increment(ref _endpointInvocations);
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var auth = context.GetWebSocketAuth();
        var welcome = System.Text.Json.JsonSerializer.Serialize(new { type = "welcome", user = context.User.Identity?.Name, method = auth?.Method });
        await socket.SendAsync(Encoding.UTF8.GetBytes(welcome), WebSocketMessageType.Text, true, context.RequestAborted);
        var buffer = new byte[4096];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, context.RequestAborted);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, context.RequestAborted);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync(TimeSpan.FromSeconds(5));
        await App.DisposeAsync();
    }
}

/// <summary>Small helpers around <see cref="ClientWebSocket"/>.</summary>
public static class WebSocketTestClient
{
    public static async Task<ClientWebSocket> ConnectAsync(Uri uri, string? origin, Action<ClientWebSocketOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        configure?.Invoke(socket.Options);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        await socket.ConnectAsync(uri, timeout.Token);
        return socket;
    }

    /// <summary>Connects and returns the HTTP status the server answered (101 on success); the socket is closed.</summary>
    public static async Task<HttpStatusCode> HandshakeStatusAsync(Uri uri, string? origin, Action<ClientWebSocketOptions>? configure = null)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        configure?.Invoke(socket.Options);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await socket.ConnectAsync(uri, timeout.Token);
            socket.Abort();
            return HttpStatusCode.SwitchingProtocols;
        }
        catch (WebSocketException)
        {
            return socket.HttpStatusCode;
        }
    }

    public static async Task<string> ReceiveTextAsync(WebSocket socket, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        var buffer = new byte[16 * 1024];
        var total = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(total), timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException($"Closed by the server: {socket.CloseStatus} {socket.CloseStatusDescription}");
            }

            total += result.Count;
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(buffer, 0, total);
            }
        }
    }

    public static Task SendTextAsync(WebSocket socket, string text, CancellationToken cancellationToken = default)
        => socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cancellationToken);
}
