namespace WsAuth.Internal;

/// <summary>One authenticator as registered on the builder.</summary>
/// <param name="Method">The method name reported in logs, metrics and <see cref="IWebSocketAuthFeature.Method"/>.</param>
/// <param name="AuthenticatorType">The <see cref="IWebSocketAuthenticator"/> implementation, resolved from DI.</param>
/// <param name="UsesAmbientCredentials">Whether the browser sends the credential by itself (cookies).</param>
/// <param name="AfterUpgrade">
/// Whether this is the first-message stage (<see cref="FirstMessageStage"/>, not an <see cref="IWebSocketAuthenticator"/>):
/// it runs after every handshake authenticator, after the upgrade, wherever it was added.
/// </param>
internal sealed record AuthenticatorRegistration(string Method, Type AuthenticatorType, bool UsesAmbientCredentials, bool AfterUpgrade = false);
