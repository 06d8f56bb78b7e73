using WsAuth.Internal;

namespace WsAuth.Tests.Tickets;

public class TicketEnvelopeTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void WriteThenRead_RoundTrips()
    {
        var envelope = new TicketEnvelope(Now.AddSeconds(30), Now.AddHours(1), TicketBindings.Origin | TicketBindings.Path, "https://app.example.com", null, "/ws", [1, 2, 3]);

        Assert.True(TicketEnvelope.TryRead(envelope.Write(), out var read));

        Assert.Equal(envelope.ExpiresAt, read.ExpiresAt);
        Assert.Equal(envelope.CredentialExpiresAt, read.CredentialExpiresAt);
        Assert.Equal(envelope.Bindings, read.Bindings);
        Assert.Equal(envelope.Origin, read.Origin);
        Assert.Null(read.ClientIp);
        Assert.Equal("/ws", read.Path);
        Assert.Equal([1, 2, 3], read.Principal);
    }

    [Fact]
    public void NoCredentialExpiry_StaysNull()
    {
        var envelope = new TicketEnvelope(Now, null, TicketBindings.None, null, null, null, []);
        Assert.True(TicketEnvelope.TryRead(envelope.Write(), out var read));
        Assert.Null(read.CredentialExpiresAt);
    }

    [Fact]
    public void TruncatedGarbageOrOtherVersions_AreNotRead()
    {
        var data = new TicketEnvelope(Now, Now, TicketBindings.ClientIp, null, "203.0.113.5", null, [9, 9, 9]).Write();

        for (var length = 0; length < data.Length; length++)
        {
            Assert.False(TicketEnvelope.TryRead(data[..length], out _));
        }

        Assert.False(TicketEnvelope.TryRead([.. data, 0], out _));
        var otherVersion = (byte[])data.Clone();
        otherVersion[0] = 3;
        Assert.False(TicketEnvelope.TryRead(otherVersion, out _));
        Assert.False(TicketEnvelope.TryRead([0xFF, 0xFF, 0xFF, 0xFF], out _));
    }

    [Fact]
    public void Version2_CarriesTheCredentialIssueTime_AndVersion1IsStillRead()
    {
        // Arrange: version 1 is version 2 without the 9-byte issue-time trailer.
        var issuedAt = Now.AddMinutes(-3);
        var current = new TicketEnvelope(Now, Now, TicketBindings.None, null, null, null, [1, 2, 3], issuedAt).Write();
        var version1 = current[..^9];
        version1[0] = 1;

        // Act
        var readCurrent = TicketEnvelope.TryRead(current, out var envelope);
        var readVersion1 = TicketEnvelope.TryRead(version1, out var old);

        // Assert
        Assert.True(readCurrent);
        Assert.Equal(issuedAt.ToUnixTimeMilliseconds(), envelope!.CredentialIssuedAt!.Value.ToUnixTimeMilliseconds());
        Assert.True(readVersion1);
        Assert.Null(old!.CredentialIssuedAt);
        Assert.Equal([1, 2, 3], old.Principal);
    }
}
