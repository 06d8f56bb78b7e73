using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace WsAuth.Internal;

/// <summary>
/// Ticket requests on the <c>WsAuth</c> meter (redemptions are handshakes, counted by <c>wsauth.handshakes</c> with method
/// <c>ticket</c>). Tags are WsAuth's own codes.
/// </summary>
internal sealed class TicketMetrics
{
    public const string TicketRequestsName = "wsauth.ticket_requests";

    private readonly Counter<long> _requests;

    public TicketMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(WebSocketAuthDefaults.MeterName);
        _requests = meter.CreateCounter<long>(
            TicketRequestsName,
            unit: "{request}",
            description: "Requests to the WebSocket ticket endpoint, by outcome (and reason when refused).");
    }

    public void Issued() => _requests.Add(1, new TagList { { WebSocketAuthMetrics.OutcomeTag, "issued" } });

    public void Refused(string reason)
        => _requests.Add(1, new TagList { { WebSocketAuthMetrics.OutcomeTag, "refused" }, { WebSocketAuthMetrics.ReasonTag, reason } });
}
