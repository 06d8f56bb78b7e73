using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace WsAuth.Benchmarks;

/// <summary>Builds the real middleware through dependency injection, as <c>UseWebSocketAuth()</c> does.</summary>
internal static class MiddlewareFactory
{
    /// <summary>
    /// The middleware with the handshake rate limiter off (<paramref name="rateLimiter"/> false), or on with permits no
    /// benchmark reaches: with the default 300 a minute, every handshake after the 300th would measure a 429.
    /// </summary>
    public static (WebSocketAuthMiddleware Middleware, ServiceProvider Services) Create(RequestDelegate next, bool rateLimiter = false)
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
        var provider = services.BuildServiceProvider();
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
