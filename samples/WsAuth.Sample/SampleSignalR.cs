using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace WsAuth.Sample;

/// <summary>
/// The sample's SignalR hub on <c>/hubs/echo</c> (docs/signalr.md). <c>[Authorize]</c>: the negotiate POST is
/// authorized by the login cookie (the app's own scheme); the WebSocket itself by WsAuth (Origin first, then a ticket
/// that the browser client sends as <c>access_token</c>, or any other method the sample has).
/// </summary>
[Authorize]
internal sealed class EchoHub : Hub
{
    /// <summary><c>{"user":"alice","method":"ticket"}</c>: who WsAuth admitted, and with which method.</summary>
    public WhoAmIResult WhoAmI()
        => new(Context.User?.Identity?.Name, Context.GetHttpContext()?.GetWebSocketAuth()?.Method);

    /// <summary>Returns the text it was given.</summary>
    public string Echo(string text) => text;
}

/// <summary>The answer of <see cref="EchoHub.WhoAmI"/>.</summary>
internal sealed record WhoAmIResult(string? User, string? Method);

/// <summary>Maps the hub and serves the @microsoft/signalr browser client the page uses.</summary>
internal static class SampleSignalR
{
    public const string HubRoute = "/hubs/echo";
    public const string ScriptsRequestPath = "/lib/signalr";
    public const string ConfigurationKey = "Sample:SignalRScriptsPath";
    public const string ScriptFile = "signalr.min.js";

    /// <summary>
    /// The recipe of docs/signalr.md: WebSockets only (Server-Sent Events and long polling are plain HTTP that WsAuth
    /// does not guard; here they are simply off), <c>[Authorize]</c> on the hub, and tickets accepted where SignalR
    /// clients put their access token.
    /// </summary>
    public static IEndpointConventionBuilder MapEchoHub(this IEndpointRouteBuilder app)
        => app.MapHub<EchoHub>(HubRoute, o => o.Transports = HttpTransportType.WebSockets)
            .WithWebSocketTicketsAsAccessToken();

    /// <summary>
    /// Serves <c>signalr.min.js</c> of the npm package <c>@microsoft/signalr</c> (a dev dependency of clients/js, installed
    /// when the sample builds) at /lib/signalr/: from the repository, never a CDN.
    /// </summary>
    public static IApplicationBuilder UseSignalRClientScript(this WebApplication app)
    {
        var configured = app.Configuration[ConfigurationKey];
        var folder = Path.GetFullPath(Path.Combine(
            app.Environment.ContentRootPath,
            string.IsNullOrWhiteSpace(configured) ? Path.Combine("..", "..", "clients", "js", "node_modules", "@microsoft", "signalr", "dist", "browser") : configured));
        if (!File.Exists(Path.Combine(folder, ScriptFile)))
        {
            throw new InvalidOperationException(
                $"The SignalR browser client was not found: {Path.Combine(folder, ScriptFile)} does not exist. The sample serves "
                + "@microsoft/signalr from clients/js/node_modules at /lib/signalr/. Building the sample installs it when Node.js is "
                + $"installed; otherwise run `npm ci` in clients/js, or set {ConfigurationKey} to the folder that holds {ScriptFile}.");
        }

        return app.UseSignalRClientScript(folder);
    }

    /// <summary>Serves the .js files of <paramref name="folder"/> at /lib/signalr/.</summary>
    public static IApplicationBuilder UseSignalRClientScript(this IApplicationBuilder app, string folder)
    {
        var contentTypes = new FileExtensionContentTypeProvider();
        contentTypes.Mappings.Clear();
        contentTypes.Mappings[".js"] = "text/javascript";
        return app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = ScriptsRequestPath,
            FileProvider = new PhysicalFileProvider(folder),
            ContentTypeProvider = contentTypes,
            OnPrepareResponse = static file => file.Context.Response.Headers.CacheControl = "no-cache",
        });
    }
}
