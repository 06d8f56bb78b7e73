using System.Net.WebSockets;
using System.Security.Claims;
using System.Text;
using WsAuth.Internal;

namespace WsAuth.Tests.Sessions;

public class SessionPiecesTests
{
    [Theory]
    [InlineData(400, 4400)]
    [InlineData(401, 4401)]
    [InlineData(403, 4403)]
    [InlineData(408, 4408)]
    [InlineData(429, 4429)]
    [InlineData(500, 1011)]
    [InlineData(503, 1011)]
    public void CloseCode_Is4000PlusA4xxStatus_And1011ForServerFaults(int status, int code)
        => Assert.Equal(code, CloseCodes.FromStatus(status));

    [Fact]
    public void PolicyViolationMode_Sends1008WithoutAReason()
    {
        Assert.Equal(((WebSocketCloseStatus)4401, "expired"), CloseCodes.Resolve(4401, "expired", policyViolation: false));
        Assert.Equal((WebSocketCloseStatus.PolicyViolation, (string?)null), CloseCodes.Resolve(4401, "expired", policyViolation: true));
    }

    [Fact]
    public void CloseReason_NeverExceedsTheFrameLimit()
    {
        var (_, description) = CloseCodes.Resolve(4401, new string('a', 500), policyViolation: false);
        Assert.True(Encoding.UTF8.GetByteCount(description!) <= CloseCodes.MaxReasonBytes);
    }

    [Fact]
    public void ControlMessages_HaveTheWireFormat()
    {
        var at = new DateTimeOffset(2030, 1, 2, 3, 4, 5, 678, TimeSpan.FromHours(2));
        Assert.Equal("{\"type\":\"wsauth.authenticated\",\"expiresAt\":\"2030-01-02T01:04:05.678Z\"}", Encoding.UTF8.GetString(ControlMessages.Authenticated(at)));
        Assert.Equal("{\"type\":\"wsauth.authenticated\",\"expiresAt\":null}", Encoding.UTF8.GetString(ControlMessages.Authenticated(null)));
        Assert.Equal("{\"type\":\"wsauth.refreshed\",\"expiresAt\":\"2030-01-02T01:04:05.678Z\"}", Encoding.UTF8.GetString(ControlMessages.Refreshed(at)));
        Assert.Equal("{\"type\":\"wsauth.expiring\",\"expiresAt\":\"2030-01-02T01:04:05.678Z\"}", Encoding.UTF8.GetString(ControlMessages.Expiring(at)));
    }

    [Theory]
    [InlineData("sub", "u1", "u1")]
    [InlineData(ClaimTypes.NameIdentifier, "u2", "u2")]
    [InlineData(ClaimTypes.Name, "alice", null)]
    public void Subject_IsSubElseNameIdentifier_NeverTheName(string claimType, string value, string? expected)
        => Assert.Equal(expected, SessionSubject.Of(new ClaimsPrincipal(new ClaimsIdentity([new Claim(claimType, value)], "t"))));

    [Fact]
    [Trait("Matrix", "AV4")]
    public void Subject_IsTheIssuerAndSubjectPair_WhereAnIssuerExists()
    {
        static ClaimsPrincipal User(params Claim[] claims) => new(new ClaimsIdentity(claims, "t"));
        var fromA = SessionSubject.Of(User(new Claim("iss", "https://a.example"), new Claim("sub", "alice")));
        var fromB = SessionSubject.Of(User(new Claim("iss", "https://b.example"), new Claim("sub", "alice")));
        var recordedB = SessionSubject.Of(User(new Claim("sub", "alice", ClaimValueTypes.String, "https://b.example")));
        var spelledLikeA = SessionSubject.Of(User(new Claim("iss", "https://a.examplealice"), new Claim("sub", string.Empty)));
        var shifted = SessionSubject.Of(User(new Claim("iss", "https://a.exampl"), new Claim("sub", "ealice")));

        Assert.NotEqual(fromA, fromB);
        Assert.Equal(fromB, recordedB);
        Assert.Null(spelledLikeA);
        Assert.NotEqual(fromA, shifted);
        Assert.Equal("alice", SessionSubject.Of(User(new Claim("sub", "alice")))); // no issuer: the subject alone
    }

    [Fact]
    public void Subject_PrefersSubOverNameIdentifier()
        => Assert.Equal("s", SessionSubject.Of(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "n"), new Claim("sub", "s")], "t"))));

    [Fact]
    public void SessionEnd_IsTheEarlierOfExpiryAndMaxLength_AndOnlyWhenTheyApply()
    {
        var start = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        static SessionSettings Settings(Action<WebSocketSessionOptions> configure, bool refresh = false)
        {
            var options = new WebSocketSessionOptions();
            configure(options);
            return new SessionSettings(options, refresh, false, JsonWebSocketAuthMessageParser.Instance, TimeProvider.System, null!, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        }

        var defaults = Settings(_ => { });
        Assert.Equal(start.AddHours(1), defaults.EndOf(start.AddHours(1), start));
        Assert.Null(defaults.EndOf(null, start));
        Assert.False(defaults.IsNeeded(null)); // nothing to enforce: endpoint code gets the socket itself
        Assert.True(defaults.IsNeeded(start));

        var capped = Settings(o => o.MaxSessionLength = TimeSpan.FromMinutes(30));
        Assert.Equal(start.AddMinutes(30), capped.EndOf(start.AddHours(1), start));
        Assert.Equal(start.AddMinutes(10), capped.EndOf(start.AddMinutes(10), start));
        Assert.Equal(start.AddMinutes(30), capped.EndOf(null, start));

        var noExpiry = Settings(o => o.CloseOnExpiry = false);
        Assert.Null(noExpiry.EndOf(start.AddHours(1), start));
        Assert.False(noExpiry.IsNeeded(start));
        Assert.True(Settings(o => o.CloseOnExpiry = false, refresh: true).IsNeeded(null));
    }
}
