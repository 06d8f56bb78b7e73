namespace WsAuth;

/// <summary>Options of the query-string token authenticator (<c>AddQueryToken()</c>), bound from <c>WsAuth:QueryToken</c>.</summary>
public sealed class WebSocketQueryTokenOptions
{
    /// <summary>The query parameter that carries the token.</summary>
    /// <value>Defaults to <c>access_token</c> (<see cref="WebSocketAuthDefaults.QueryTokenParameter"/>).</value>
    public string ParameterName { get; set; } = WebSocketAuthDefaults.QueryTokenParameter;
}
