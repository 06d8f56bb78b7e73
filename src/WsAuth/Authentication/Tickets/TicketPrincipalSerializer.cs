using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace WsAuth.Internal;

/// <summary>
/// The default principal serializer: every identity, claim and authentication type, through ASP.NET Core's own
/// <see cref="TicketSerializer"/> (the format of authentication cookies).
/// </summary>
internal sealed class TicketPrincipalSerializer : IDataSerializer<ClaimsPrincipal>
{
    public static TicketPrincipalSerializer Instance { get; } = new();

    public byte[] Serialize(ClaimsPrincipal model)
        => TicketSerializer.Default.Serialize(new AuthenticationTicket(model, WebSocketAuthDefaults.TicketMethod));

    public ClaimsPrincipal? Deserialize(byte[] data) => TicketSerializer.Default.Deserialize(data)?.Principal;
}
