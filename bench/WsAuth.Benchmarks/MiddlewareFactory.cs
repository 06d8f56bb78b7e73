using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace WsAuth.Benchmarks;

/// <summary>Builds the real middleware through dependency injection, as <c>UseWebSocketAuth()</c> does.</summary>
internal static class MiddlewareFactory
{
    public static (WebSocketAuthMiddleware Middleware, ServiceProvider Services) Create(RequestDelegate next)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IHostEnvironment>(new BenchEnvironment());
        services.AddWebSocketAuth(o =>
            {
                o.AllowedOrigins.Add(BenchHttpContexts.AllowedOrigin);
                o.RequireSecureTransport = false;
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
