using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace WsAuth.Internal;

/// <summary>
/// Startup checks of endpoint metadata, run when the middleware is built (the pipeline is built once every endpoint is
/// mapped, before the server listens): an endpoint that takes tickets as SignalR's access token needs the ticket method,
/// and must allow it. Such a mistake would refuse every connection; it fails the start instead, naming the fix.
/// </summary>
internal static class EndpointMetadataValidator
{
    public static void Validate(IServiceProvider services, WebSocketAuthOptions options)
    {
        if (services.GetService<EndpointDataSource>() is not { } endpoints)
        {
            return;
        }

        IReadOnlyList<Endpoint> all;
        try
        {
            all = endpoints.Endpoints;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return; // a routing mistake of the app: routing reports it at the first request, as without WsAuth
        }

        var hasTickets = options.Authenticators.Any(a => string.Equals(a.Method, WebSocketAuthDefaults.TicketMethod, StringComparison.Ordinal));
        var errors = new List<string>();
        foreach (var endpoint in all)
        {
            if (endpoint.Metadata.GetMetadata<WebSocketTicketsAsAccessTokenAttribute>() is null
                || endpoint.Metadata.GetMetadata<DisableWebSocketAuthAttribute>() is not null)
            {
                continue;
            }

            if (!hasTickets)
            {
                errors.Add($"WsAuth: endpoint '{endpoint.DisplayName}' takes tickets as SignalR's access token (WithWebSocketTicketsAsAccessToken), "
                    + "but the ticket method is not registered. Add .AddTickets() to AddWebSocketAuth(...) and map the ticket endpoint (app.MapWebSocketTickets(\"/ws/ticket\")).");
            }
            else if (endpoint.Metadata.GetMetadata<WebSocketAuthMethodsAttribute>() is { } methods && !methods.Allows(WebSocketAuthDefaults.TicketMethod))
            {
                errors.Add($"WsAuth: endpoint '{endpoint.DisplayName}' takes tickets as SignalR's access token (WithWebSocketTicketsAsAccessToken), "
                    + $"but WithWebSocketAuthMethods({string.Join(", ", methods.Methods.Select(m => $"\"{m}\""))}) does not allow the ticket method. Add \"{WebSocketAuthDefaults.TicketMethod}\" to it.");
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, errors));
        }
    }
}
