using System.Net;
using WsAuth.LoadTest.Scenarios;

namespace WsAuth.LoadTest.Client;

/// <summary>
/// The abuse scenario (issue 7, item 5), ready for the first-message method: legitimate clients' handshake success and
/// p99 alone, then again while <c>idleSockets</c> connections sit upgraded but unauthenticated (they never send the
/// auth message). The measurement must be shorter than the first-message deadline, or the server closes the
/// attackers' sockets (which is the defence working, but then they no longer press on it during the window).
/// </summary>
internal static class AbuseLoad
{
    public static async Task<(LoadSample Baseline, LoadSample UnderAbuse, int IdleOpened)> RunAsync(
        IPEndPoint server,
        HandshakeClient legitimate,
        HandshakeClient unauthenticated,
        int idleSockets,
        int concurrency,
        TimeSpan warmup,
        TimeSpan measure,
        CancellationToken cancellationToken)
    {
        var baseline = await HandshakeLoad.RunAsync(server, legitimate, concurrency, warmup, measure, cancellationToken);
        using var attackers = await IdleConnections.OpenAsync(server, unauthenticated, idleSockets, 64, cancellationToken, AttackerAddresses(idleSockets));
        var underAbuse = await HandshakeLoad.RunAsync(server, legitimate, concurrency, warmup, measure, cancellationToken);
        return (baseline, underAbuse, attackers.Sockets.Count);
    }

    /// <summary>
    /// The attackers come from 127.0.1.2, 127.0.2.2 and so on, <see cref="SocketsPerAttackerAddress"/> per address
    /// (WsAuth's default per-address cap on waiting sockets), one address per /24 so that neither the per-address nor the
    /// per-network cap (100 per /24) holds them back and only the global cap counts; the legitimate clients stay on
    /// 127.0.0.1, in a /24 of their own.
    /// </summary>
    public static IReadOnlyList<IPAddress> AttackerAddresses(int idleSockets)
        => [.. Enumerable.Range(0, Math.Clamp((idleSockets + SocketsPerAttackerAddress - 1) / SocketsPerAttackerAddress, 1, 250))
            .Select(i => new IPAddress([127, 0, (byte)(1 + i), 2]))];

    public const int SocketsPerAttackerAddress = 20;
}
