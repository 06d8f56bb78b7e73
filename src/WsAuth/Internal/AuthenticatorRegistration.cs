namespace WsAuth.Internal;

/// <summary>One authenticator as registered on the builder.</summary>
/// <param name="Method">The method name reported in logs, metrics and <see cref="IWebSocketAuthFeature.Method"/>.</param>
/// <param name="AuthenticatorType">The <see cref="IWebSocketAuthenticator"/> implementation, resolved from DI.</param>
/// <param name="UsesAmbientCredentials">Whether the browser sends the credential by itself (cookies).</param>
internal sealed record AuthenticatorRegistration(string Method, Type AuthenticatorType, bool UsesAmbientCredentials);
