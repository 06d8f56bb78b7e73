namespace WsAuth;

/// <summary>
/// Where issued WebSocket tickets wait to be redeemed. WsAuth ships an in-memory store (the default, one instance only)
/// and two shared stores for several instances: PostgreSQL (package <c>WsAuth.Postgres</c>) and Redis (package
/// <c>WsAuth.Redis</c>). A store that also implements <see cref="Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck"/>
/// is checked by <c>AddHealthChecks().AddWebSocketTicketStore()</c>.
/// </summary>
/// <remarks>
/// <para>The store never sees a ticket. WsAuth hands it the ticket's id, the base64url SHA-256 of the ticket's random
/// bytes (43 characters), so a leaked store reveals no ticket that could be redeemed. The data is WsAuth's own encoding of
/// the user's claims, the expiry and the bindings; store it as opaque bytes.</para>
/// <para>The one property a store must have: <see cref="ConsumeAsync"/> is atomic. Of any number of concurrent calls for one
/// id, across every app instance that shares the store, at most one ever returns the data.</para>
/// <para>Throw when the store cannot answer (down, timed out): WsAuth then answers 503 <c>store_unavailable</c>, never
/// accepts the handshake, and logs only the exception type. Honour the cancellation token.</para>
/// </remarks>
public interface IWebSocketTicketStore
{
    /// <summary>Stores a newly issued ticket.</summary>
    /// <param name="ticketId">The ticket's id: 43 base64url characters, unique.</param>
    /// <param name="data">The data to return from <see cref="ConsumeAsync"/>, at most a few kilobytes.</param>
    /// <param name="expiresAt">
    /// When the ticket expires. The store may forget the ticket any time after this; WsAuth checks the expiry itself too.
    /// </param>
    /// <param name="cancellationToken">Signalled when the issuing request is aborted.</param>
    /// <returns>
    /// <see langword="true"/> when stored; <see langword="false"/> when the store is full and refuses more tickets (WsAuth
    /// answers 503 <c>ticket_store_full</c>).
    /// </returns>
    ValueTask<bool> TryStoreAsync(string ticketId, byte[] data, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically removes the ticket and returns its data: the first call for an id gets the data, every other call (at the
    /// same time or later, on any instance) gets <see langword="null"/>. An expired ticket the store still holds may be
    /// returned (WsAuth then rejects it as <c>ticket_expired</c>) or not (<c>ticket_invalid</c>).
    /// </summary>
    /// <param name="ticketId">The id of the presented ticket.</param>
    /// <param name="cancellationToken">Signalled when the client goes away.</param>
    /// <returns>The data given to <see cref="TryStoreAsync"/>, or <see langword="null"/> when the id is unknown or already consumed.</returns>
    ValueTask<byte[]?> ConsumeAsync(string ticketId, CancellationToken cancellationToken);
}
