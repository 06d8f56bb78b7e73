namespace WsAuth.Internal;

/// <summary>
/// Implemented by authenticators that read credentials from <c>Sec-WebSocket-Protocol</c>. Whichever authenticator
/// decides the handshake, the middleware asks every carrier to hide its entries, so endpoint code never sees a
/// credential in <c>WebSocketRequestedProtocols</c> and can never answer with one.
/// </summary>
internal interface IProtocolCredentialCarrier
{
    /// <summary>Hides this authenticator's credential entries from the offered list, without validating anything.</summary>
    void HideCredentialEntries(WebSocketAuthenticateContext context);
}
