namespace WsAuth.Client;

public class WebSocketAuthUriTests
{
    [Fact]
    public void WithTicket_PercentEncodesTheTicket_AndKeepsOtherParameters()
    {
        var uri = WebSocketAuthUri.WithTicket(new Uri("wss://api.example.com/ws?room=a%20b#frag"), "a&b=c/d+e f");

        Assert.Equal("wss://api.example.com/ws?room=a%20b&ticket=a%26b%3Dc%2Fd%2Be%20f", uri.AbsoluteUri);
        Assert.Equal(string.Empty, uri.Fragment);
    }

    [Fact]
    public void WithTicket_ReplacesAnExistingTicket()
    {
        var uri = WebSocketAuthUri.WithTicket(new Uri("ws://h:8080/ws?ticket=old&x=1&ticket=older"), "new");
        Assert.Equal("ws://h:8080/ws?x=1&ticket=new", uri.AbsoluteUri);
    }

    [Fact]
    public void WithTicket_AcceptsATicketObject()
        => Assert.Equal("ws://h/ws?ticket=abc", WebSocketAuthUri.WithTicket(new Uri("ws://h/ws"), new WebSocketTicket("abc", TimeSpan.FromSeconds(30))).AbsoluteUri);

    [Fact]
    public void WithTicket_RefusesRelativeUrisAndEmptyTickets()
    {
        Assert.Throws<ArgumentException>(() => WebSocketAuthUri.WithTicket(new Uri("/ws", UriKind.Relative), "t"));
        Assert.Throws<ArgumentException>(() => WebSocketAuthUri.WithTicket(new Uri("ws://h/ws"), string.Empty));
    }

    [Theory]
    [InlineData("ws://h:5000/ws", "http://h:5000/ws/ticket")]
    [InlineData("wss://api.example.com/chat/ws?x=1", "https://api.example.com/ws/ticket")]
    [InlineData("https://api.example.com:8443/ws", "https://api.example.com:8443/ws/ticket")]
    public void DefaultTicketEndpoint_IsOnTheSocketsOrigin(string socket, string expected)
        => Assert.Equal(expected, WebSocketAuthUri.DefaultTicketEndpoint(new Uri(socket)).AbsoluteUri);

    [Fact]
    public void Ticket_ToString_NeverShowsTheTicket()
    {
        var ticket = new WebSocketTicket("SECRET-TICKET", TimeSpan.FromSeconds(30));
        Assert.DoesNotContain("SECRET-TICKET", ticket.ToString(), StringComparison.Ordinal);
        Assert.Contains("30", ticket.ToString(), StringComparison.Ordinal);
    }
}
