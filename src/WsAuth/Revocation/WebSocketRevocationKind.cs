namespace WsAuth;

/// <summary>What a <see cref="WebSocketRevocationMessage"/> asks every instance to do.</summary>
public enum WebSocketRevocationKind
{
    /// <summary>Refuse the subject's credentials issued before an instant and close the sockets opened with them; stored.</summary>
    Revoke = 0,

    /// <summary>Close every socket of the subject; not stored.</summary>
    DisconnectUser = 1,

    /// <summary>Close one session by its id; not stored.</summary>
    DisconnectSession = 2,
}
