namespace WsAuth.Internal;

/// <summary>
/// One authenticator as registered on the builder, with what it needs and carries, so that startup checks read the
/// registrations instead of listing implementation types.
/// </summary>
/// <param name="Method">The method name reported in logs, metrics and <see cref="IWebSocketAuthFeature.Method"/>.</param>
/// <param name="AuthenticatorType">The <see cref="IWebSocketAuthenticator"/> implementation, resolved from DI.</param>
/// <param name="UsesAmbientCredentials">Whether the browser sends the credential by itself (cookies).</param>
/// <param name="NeedsTokenValidator">Whether it hands tokens to the app's <see cref="IWebSocketTokenValidator"/>.</param>
/// <param name="MustRunBeforeAmbientCredentials">
/// Whether it must come before any authenticator of ambient credentials (the subprotocol token: a handshake carrying
/// both would be decided by the cookie while the token's entries were still offered to endpoint code).
/// </param>
/// <param name="AfterUpgrade">
/// Whether this is the first-message stage (<see cref="FirstMessageStage"/>, not an <see cref="IWebSocketAuthenticator"/>):
/// it runs after every handshake authenticator, after the upgrade, wherever it was added.
/// </param>
internal sealed record AuthenticatorRegistration(
    string Method,
    Type AuthenticatorType,
    bool UsesAmbientCredentials,
    bool NeedsTokenValidator = false,
    bool MustRunBeforeAmbientCredentials = false,
    bool AfterUpgrade = false);
