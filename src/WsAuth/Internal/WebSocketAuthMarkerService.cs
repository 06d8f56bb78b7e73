namespace WsAuth.Internal;

/// <summary>Registered by <c>AddWebSocketAuth</c> so that <c>UseWebSocketAuth</c> can tell the services are there.</summary>
internal sealed class WebSocketAuthMarkerService;
