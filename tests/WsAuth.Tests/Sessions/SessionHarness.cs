using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net.WebSockets;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using WsAuth.Internal;
using WsAuth.Testing;

namespace WsAuth.Tests.Sessions;

/// <summary>A <see cref="SessionWebSocket"/> on the server side of an in-memory pair, with a scriptable token validator.</summary>
internal sealed class SessionHarness : IDisposable
{
    private readonly WebSocketPair _pair = new();
    private readonly ServiceProvider _services;

    public SessionHarness(Action<WebSocketSessionOptions>? configure = null, DateTimeOffset? expiresAt = null, string subject = "alice", bool refresh = true)
    {
        var options = new WebSocketSessionOptions();
        configure?.Invoke(options);
        _services = new ServiceCollection().AddMetrics().AddSingleton<IWebSocketTokenValidator>(Validator).BuildServiceProvider();
        var settings = new SessionSettings(
            options,
            refresh,
            closeWithPolicyViolation: false,
            JsonWebSocketAuthMessageParser.Instance,
            Time,
            new WebSocketAuthMetrics(_services.GetRequiredService<IMeterFactory>()),
            NullLogger.Instance);
        Context = new DefaultHttpContext { RequestServices = _services };
        Feature = new WebSocketAuthFeature(Principal(subject), "test", expiresAt, null);
        Strict = new StrictWebSocket(_pair.Server);
        Session = settings.Start(Strict, Context, Feature, Time.GetUtcNow(), null)
            ?? throw new InvalidOperationException("The settings need no session.");
    }

    /// <summary>The clock, starting at 2030-01-01 (the <c>Start</c> the session tests compute expiries from).</summary>
    public TimerCountingTimeProvider Time { get; } = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public ScriptedValidator Validator { get; } = new();

    public DefaultHttpContext Context { get; }

    public WebSocketAuthFeature Feature { get; }

    public SessionWebSocket Session { get; }

    /// <summary>The server socket under the session, which counts violations of the one-outstanding-send rule.</summary>
    public StrictWebSocket Strict { get; }

    public WebSocket Client => _pair.Client;

    public static ClaimsPrincipal Principal(string subject)
        => new(new ClaimsIdentity([new Claim("sub", subject), new Claim(ClaimTypes.Name, subject)], "test"));

    public static byte[] Refresh(string token) => JsonSerializer.SerializeToUtf8Bytes(new { type = "refresh", token });

    public Task SendFromClientAsync(string text, int fragment = int.MaxValue) => SendFromClientAsync(Encoding.UTF8.GetBytes(text), fragment);

    /// <summary>Sends one text message from the client in frames of at most <paramref name="fragment"/> bytes.</summary>
    public async Task SendFromClientAsync(byte[] message, int fragment = int.MaxValue)
    {
        for (var offset = 0; offset < message.Length; offset += fragment)
        {
            var length = Math.Min(fragment, message.Length - offset);
            await Client.SendAsync(message.AsMemory(offset, length), WebSocketMessageType.Text, offset + length == message.Length, CancellationToken.None);
        }
    }

    /// <summary>Receives one whole message on the server side through the session, with a buffer of <paramref name="bufferSize"/> bytes.</summary>
    public async Task<(WebSocketMessageType Type, string Text)> ServerReceiveAsync(int bufferSize = 4096)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // a failure, not a hang
        var buffer = new byte[bufferSize];
        var message = new MemoryStream();
        while (true)
        {
            var result = await Session.ReceiveAsync(buffer.AsMemory(), timeout.Token);
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage || result.MessageType == WebSocketMessageType.Close)
            {
                return (result.MessageType, Encoding.UTF8.GetString(message.ToArray()));
            }
        }
    }

    /// <summary>Receives one whole message on the client side.</summary>
    public async Task<(WebSocketMessageType Type, string Text)> ClientReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // a failure, not a hang
        var buffer = new byte[64 * 1024];
        var total = 0;
        while (true)
        {
            var result = await Client.ReceiveAsync(buffer.AsMemory(total), timeout.Token);
            total += result.Count;
            if (result.EndOfMessage)
            {
                return (result.MessageType, Encoding.UTF8.GetString(buffer, 0, total));
            }
        }
    }

    public static string Token(string subject, DateTimeOffset? expiresAt)
        => $"{subject}|{expiresAt?.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}";

    public void Dispose()
    {
        Session.Dispose();
        _pair.Dispose();
        _services.Dispose();
    }

    /// <summary>Tokens are <c>subject|unixExpiry</c>; <c>bad</c> fails; <see cref="Gate"/>, when set, holds validation until completed.</summary>
    internal sealed class ScriptedValidator : IWebSocketTokenValidator
    {
        public TaskCompletionSource? Gate { get; set; }

        /// <summary>Completed when a validation reaches the <see cref="Gate"/>.</summary>
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask<WebSocketAuthenticateResult> ValidateAsync(string token, HttpContext context, CancellationToken cancellationToken)
        {
            if (Gate is { } gate)
            {
                Entered.TrySetResult();
                await gate.Task.WaitAsync(cancellationToken);
            }

            var parts = token.Split('|');
            if (parts.Length != 2 || parts[0] == "bad")
            {
                return WebSocketAuthenticateResult.Fail(WebSocketAuthFailureReasons.InvalidCredentials);
            }

            DateTimeOffset? expiresAt = parts[1].Length == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(long.Parse(parts[1], CultureInfo.InvariantCulture));
            return WebSocketAuthenticateResult.Success(Principal(parts[0]), expiresAt);
        }
    }
}
