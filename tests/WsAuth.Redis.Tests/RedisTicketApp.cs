using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using WsAuth.Testing;

namespace WsAuth.Redis.Tests;

/// <summary>The ticket test app (<see cref="TicketTestApp"/>) on the Redis store, with its own key prefix.</summary>
internal static class RedisTicketApp
{
    /// <summary>
    /// The operation budget of tests that are not about the budget: generous, so a machine busy with parallel builds and
    /// tests never turns a slow first connection into a 503. Budget tests set theirs explicitly.
    /// </summary>
    public static readonly TimeSpan GenerousTimeout = TimeSpan.FromSeconds(10);

    public static Task<KestrelTestApp> StartAsync(
        string prefix,
        string? configuration = null,
        Action<RedisTicketStoreOptions>? store = null,
        TimeProvider? clock = null,
        Action<WebSocketTicketOptions>? tickets = null,
        Func<WebApplication, IEndpointConventionBuilder>? mapTickets = null,
        Action<IServiceCollection>? services = null,
        Action<WebApplication, KestrelTestApp>? map = null)
        => TicketTestApp.StartAsync(
            tickets: tickets,
            builder: ws => ws.AddRedisTicketStore(configuration ?? RedisTestServer.Configuration, o =>
            {
                o.KeyPrefix = prefix;
                o.OperationTimeout = GenerousTimeout;
                store?.Invoke(o);
            }),
            services: s =>
            {
                if (clock is not null)
                {
                    s.AddSingleton(clock);
                }

                services?.Invoke(s);
            },
            mapTickets: mapTickets,
            map: map);

    /// <summary>Issues a ticket, retrying while the store answers 503 (the connection still being opened under a tight budget).</summary>
    public static async Task<string> IssueWarmAsync(KestrelTestApp app)
    {
        var cookie = await TicketTestApp.LoginAsync(app);
        for (var attempt = 0; ; attempt++)
        {
            var response = await TicketTestApp.RequestAsync(app, cookie);
            if (response.Status != HttpStatusCode.ServiceUnavailable || attempt == 50)
            {
                Assert.Equal(HttpStatusCode.OK, response.Status);
                return response.Ticket!;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Redeems until the answer is not 503 (at most about 30 seconds): after Redis comes back, the connection reconnects
    /// in the background; meanwhile every attempt must fail closed.
    /// </summary>
    public static async Task<List<RawResponse>> RedeemUntilNot503Async(KestrelTestApp app, string ticket)
    {
        var responses = new List<RawResponse>();
        for (var attempt = 0; attempt < 150; attempt++)
        {
            var response = await TicketTestApp.RedeemAsync(app, ticket);
            responses.Add(response);
            if (response.Status != HttpStatusCode.ServiceUnavailable)
            {
                break;
            }

            await Task.Delay(200);
        }

        return responses;
    }

    /// <summary>Requests tickets until the answer is not 503 (at most about 30 seconds).</summary>
    public static async Task<TicketResponse> RequestUntilNot503Async(KestrelTestApp app, string cookie)
    {
        for (var attempt = 0; ; attempt++)
        {
            var response = await TicketTestApp.RequestAsync(app, cookie);
            if (response.Status != HttpStatusCode.ServiceUnavailable || attempt == 150)
            {
                return response;
            }

            await Task.Delay(200);
        }
    }

    /// <summary>The keys under a prefix on a server.</summary>
    public static async Task<string[]> KeysAsync(string prefix, string? address = null)
        => [.. ((object?[])(await RedisTestServer.CommandAsync(address ?? RedisTestServer.Configuration, "KEYS", prefix + "*"))!).Cast<string>()];
}
