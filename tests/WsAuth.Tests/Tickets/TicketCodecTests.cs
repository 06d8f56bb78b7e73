using System.Buffers.Text;
using System.Security.Cryptography;
using WsAuth.Internal;

namespace WsAuth.Tests.Tickets;

public class TicketCodecTests
{
    [Fact]
    [Trait("Matrix", "T4")]
    [Trait("Matrix", "T5")]
    public void NewTicket_Is256RandomBitsInBase64Url_AndItsIdIsTheSha256()
    {
        var ticket = TicketCodec.NewTicket(out var id);

        Assert.Matches("^[A-Za-z0-9_-]{43}$", ticket);
        var raw = Base64Url.DecodeFromChars(ticket);
        Assert.Equal(32, raw.Length);
        Assert.Equal(Base64Url.EncodeToString(SHA256.HashData(raw)), id);
        Assert.True(TicketCodec.TryGetId(ticket, out var parsedId));
        Assert.Equal(id, parsedId);
    }

    [Fact]
    public void NewTicket_NeverRepeats()
    {
        var tickets = Enumerable.Range(0, 10_000).Select(i => TicketCodec.NewTicket(out _)).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(10_000, tickets.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // 44 characters
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")] // padding
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")] // base64, not base64url
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB")] // same bytes as ...AAA, non-canonical spelling
    [InlineData("AAAAAAAAAAAAAAAAAAAAA AAAAAAAAAAAAAAAAAAAAA")] // whitespace the decoder would skip
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAé")]
    [Trait("Matrix", "T4")]
    public void TryGetId_RejectsAnythingButTheCanonicalEncodingOf32Bytes(string ticket)
    {
        Assert.False(TicketCodec.TryGetId(ticket, out var id));
        Assert.Null(id);
    }

    [Fact]
    [Trait("Matrix", "T5")]
    [Trait("Matrix", "L1")]
    public void LogId_IsAShortPrefixOfTheHash_NeverTheTicket()
    {
        var ticket = TicketCodec.NewTicket(out var id);
        var logId = TicketCodec.LogId(id);
        Assert.Equal(12, logId.Length);
        Assert.StartsWith(logId, id, StringComparison.Ordinal);
        Assert.DoesNotContain(logId, ticket, StringComparison.Ordinal);
    }
}
