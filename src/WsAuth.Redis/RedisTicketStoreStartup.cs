using Microsoft.Extensions.Hosting;

namespace WsAuth.Redis;

/// <summary>
/// Starts connecting to Redis when the host starts, in the background: the app's start never waits for Redis, and a
/// Redis that is down only makes ticket requests and handshakes answer 503 until it is back.
/// </summary>
internal sealed class RedisTicketStoreStartup(RedisTicketConnection connection) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        connection.StartConnecting();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
