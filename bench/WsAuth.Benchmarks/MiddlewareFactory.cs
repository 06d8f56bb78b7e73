using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using WsAuth.Internal;

namespace WsAuth.Benchmarks;

/// <summary>Builds the real middleware through dependency injection, as <c>UseWebSocketAuth()</c> does.</summary>
internal static class MiddlewareFactory
{
    /// <summary>
    /// The middleware with the handshake rate limiter off (<paramref name="rateLimiter"/> false), or on with permits no
    /// benchmark reaches: with the default 300 a minute, every handshake after the 300th would measure a 429.
    /// </summary>
    /// <remarks>With <paramref name="revocation"/>, revocation is on (in memory), started, and 1,000 other users are revoked.</remarks>
    public static (WebSocketAuthMiddleware Middleware, ServiceProvider Services) Create(RequestDelegate next, bool rateLimiter = false, bool revocation = false)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IHostEnvironment>(new BenchEnvironment());
        services.AddWebSocketAuth(o =>
            {
                o.AllowedOrigins.Add(BenchHttpContexts.AllowedOrigin);
                o.RequireSecureTransport = false;
                o.RateLimiting.Enabled = rateLimiter;
                o.RateLimiting.PermitsPerClient = int.MaxValue;
                o.RateLimiting.PermitsPerUser = int.MaxValue;
            })
            .AddAuthenticator<AlwaysSuccessAuthenticator>("bench");
        if (revocation)
        {
            services.AddWebSocketAuth().AddRevocation();
        }

        var provider = services.BuildServiceProvider();
        if (revocation)
        {
            var service = provider.GetRequiredService<WsAuth.Internal.WebSocketRevocationService>();
            service.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
            for (var i = 0; i < 1000; i++)
            {
                service.RevokeAsync("other-user-" + i).GetAwaiter().GetResult();
            }
        }

        return (ActivatorUtilities.CreateInstance<WebSocketAuthMiddleware>(provider, next), provider);
    }

    private sealed class BenchEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Production;

        public string ApplicationName { get; set; } = "WsAuth.Benchmarks";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
