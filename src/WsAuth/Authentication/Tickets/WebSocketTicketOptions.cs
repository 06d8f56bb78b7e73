using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace WsAuth;

/// <summary>
/// Options of single-use WebSocket tickets (<c>AddTickets()</c> and <c>MapWebSocketTickets()</c>). Bound from the
/// <c>WsAuth:Tickets</c> configuration section, then from the delegate given to <c>AddTickets</c>; validated when the app
/// starts.
/// </summary>
public sealed class WebSocketTicketOptions
{
    // The bounds of Lifetime, documented in <value> and [Range] and enforced at startup by WebSocketTicketOptionsValidator.
    internal static readonly TimeSpan MinLifetime = TimeSpan.FromSeconds(1);
    internal static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long an issued ticket can be redeemed. Clients fetch a ticket right before they connect, so seconds are
    /// enough; the shorter, the less a ticket that leaks (a logged URL) is worth.
    /// </summary>
    /// <value>
    /// Defaults to 30 seconds. Between 1 second and 5 minutes: a longer lifetime is a startup error (a ticket is a bearer
    /// credential in every URL log), and so is a shorter one.
    /// </value>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The query string parameter the ticket is read from: <c>wss://host/ws?ticket=...</c>.</summary>
    /// <value>Defaults to <c>ticket</c>.</value>
    public string QueryParameter { get; set; } = "ticket";

    /// <summary>
    /// When set, a <c>Sec-WebSocket-Protocol</c> entry made of this prefix and the ticket is accepted too, for clients
    /// that keep the ticket out of the URL: <c>new WebSocket(url, ["chat.v1", "wsauth.ticket." + ticket])</c>. The entry
    /// is hidden from endpoint code and never answered; an application protocol must be offered beside it.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>: tickets are read from the query string only.</value>
    public string? SubprotocolPrefix { get; set; }

    /// <summary>
    /// Binds each ticket to the <c>Origin</c> of the request that obtained it: a ticket fetched by a page of
    /// <c>https://app.example.com</c> opens a socket only from that origin (a request without <c>Origin</c>, from a
    /// non-browser client, binds to "no Origin").
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool BindToOrigin { get; set; } = true;

    /// <summary>
    /// Binds each ticket to the client IP address that obtained it. Off by default: clients that switch networks or sit
    /// behind several proxies change address. Behind a proxy, run ASP.NET Core's forwarded-headers middleware first.
    /// </summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool BindToClientIp { get; set; }

    /// <summary>
    /// The most tickets the in-memory store holds at once; when it is full, ticket requests get 503
    /// <c>ticket_store_full</c> and a warning is logged. Not used by other stores.
    /// </summary>
    /// <value>Defaults to 100,000 (tens of megabytes at most).</value>
    public int MemoryStoreCapacity { get; set; } = 100_000;

    /// <summary>
    /// Tickets one user (its issuer and subject, else its name) may obtain per <see cref="IssueWindow"/>, from any
    /// address; beyond it the ticket endpoint answers 429 <c>user_rate_limited</c> with <c>Retry-After</c>. One
    /// signed-in user cannot fill the ticket store for everyone else. 0 turns it off.
    /// </summary>
    /// <value>Defaults to 60.</value>
    public int IssuePermitsPerUser { get; set; } = 60;

    /// <summary>
    /// Tickets one client IP (IPv6 per <see cref="WebSocketRateLimitOptions.ClientIPv6PrefixLength"/>) may obtain per
    /// <see cref="IssueWindow"/>, for all its users; beyond it the ticket endpoint answers 429 <c>rate_limited</c> with
    /// <c>Retry-After</c>. 0 turns it off.
    /// </summary>
    /// <value>Defaults to 300.</value>
    public int IssuePermitsPerClient { get; set; } = 300;

    /// <summary>The sliding window of <see cref="IssuePermitsPerUser"/> and <see cref="IssuePermitsPerClient"/>.</summary>
    /// <value>Defaults to 1 minute.</value>
    public TimeSpan IssueWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Turns the user's <see cref="ClaimsPrincipal"/> into the bytes a ticket carries, and back when it is redeemed. Use
    /// your own to keep fewer claims, or to reload the user when the ticket is redeemed.
    /// </summary>
    /// <value>
    /// Defaults to <see langword="null"/>: every identity and claim, with ASP.NET Core's
    /// <see cref="TicketSerializer"/>.
    /// </value>
    public IDataSerializer<ClaimsPrincipal>? PrincipalSerializer { get; set; }
}
