using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;

namespace WsAuth.LoadTest.Client;

/// <summary>
/// Single-use tickets for the ticket scenarios, issued before each load so that the load measures the handshake that
/// redeems a ticket, not the request that issues it. Before every load (<see cref="FillAsync"/>) the pool drops what
/// is left (those tickets simply expire in the store) and fetches as many tickets as the load should use: the highest
/// rate seen so far times the load's duration, plus a third. Each ticket is one <c>POST /ws/ticket</c> with the login
/// cookie and the allowed Origin (the ticket is bound to both the Origin and <c>/ws</c>), turned into the prebuilt bytes
/// of a <c>GET /ws?ticket=...</c> handshake. If the pool runs dry mid-load, a worker fetches a ticket itself (counted in
/// <see cref="FetchedDuringLoad"/>; that time then counts in the throughput but not in the latency).
/// </summary>
internal sealed class TicketPool : IDisposable
{
    public const string TicketPath = "/ws/ticket";

    /// <summary>Tickets live 30 s by default: this many per load at most keeps the in-memory store well under its cap.</summary>
    private const int MaxPerLoad = 60_000;

    private readonly ServerProcess _server;
    private readonly HttpClient _http;
    private readonly string _cookie;
    private ConcurrentQueue<byte[]> _requests = new();
    private double _highestPerSecond = 5_000; // a first guess, replaced after the first load
    private TimeSpan _lastDuration;
    private long _takenSinceFill;
    private long _fetchedDuringLoad;

    public TicketPool(ServerProcess server, string cookie)
    {
        _server = server;
        _cookie = cookie;
        _http = new HttpClient(new SocketsHttpHandler { UseCookies = false, MaxConnectionsPerServer = 32 })
        {
            BaseAddress = server.BaseUri,
            Timeout = LoadWindow.OperationTimeout,
        };
    }

    /// <summary>Tickets issued in total (before loads and during them).</summary>
    public long Issued { get; private set; }

    /// <summary>Tickets a worker had to fetch mid-load because the pool ran dry.</summary>
    public long FetchedDuringLoad => Interlocked.Read(ref _fetchedDuringLoad);

    public async Task FillAsync(TimeSpan duration, int concurrency, CancellationToken cancellationToken)
    {
        if (_lastDuration > TimeSpan.Zero)
        {
            _highestPerSecond = Math.Max(_highestPerSecond, Interlocked.Read(ref _takenSinceFill) / _lastDuration.TotalSeconds);
        }

        var wanted = (int)Math.Clamp((_highestPerSecond * duration.TotalSeconds * 1.33) + (4 * concurrency), 200, MaxPerLoad);
        var requests = new ConcurrentQueue<byte[]>();
        var next = -1;
        var workers = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < wanted)
            {
                requests.Enqueue(await FetchAsync(cancellationToken));
            }
        }, cancellationToken));
        await Task.WhenAll(workers);
        Issued += wanted;
        _requests = requests;
        _lastDuration = duration;
        Interlocked.Exchange(ref _takenSinceFill, 0);
    }

    public async ValueTask<ReadOnlyMemory<byte>> NextAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _takenSinceFill);
        if (_requests.TryDequeue(out var request))
        {
            return request;
        }

        Interlocked.Increment(ref _fetchedDuringLoad);
        return await FetchAsync(cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    private async Task<byte[]> FetchAsync(CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, TicketPath);
        message.Headers.Add("Cookie", _cookie);
        message.Headers.Add("Origin", Scenarios.HandshakeClient.Origin);
        message.Content = new ByteArrayContent([]);
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.SendAsync(message, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"POST {TicketPath} answered {(int)response.StatusCode}.");
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var json = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        var ticket = json.RootElement.GetProperty("ticket").GetString()
            ?? throw new HttpRequestException($"POST {TicketPath} answered without a ticket.");
        return Scenarios.HandshakeClient.BuildRequest(_server, "/ws?ticket=" + Uri.EscapeDataString(ticket));
    }
}
