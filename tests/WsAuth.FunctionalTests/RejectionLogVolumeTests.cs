using System.Buffers;
using System.Net;
using Microsoft.Extensions.Logging;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>
/// Logs under attack (SECURITY-MATRIX AV6): 5,000 rejected handshakes with 256-character Origins full of U+2028, U+2029
/// and bidi controls produce one Information line per client and reason (the rest go to Debug, counted in the next
/// Information line), and none of those characters reaches any log line.
/// </summary>
public class RejectionLogVolumeTests
{
    private static readonly char[] Dangerous = ['\u2028', '\u2029', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C'];
    private static readonly SearchValues<char> DangerousValues = SearchValues.Create(Dangerous);

    [Fact]
    [Trait("Matrix", "AV6")]
    public async Task FiveThousandRejections_LogOneInformationLinePerClientAndReason_AndNeutralizeLineAndBidiCharacters()
    {
        // Arrange: an Origin of 256 characters, each dangerous character in it several times.
        await using var app = await HandshakeApp.StartAsync();
        var origin = "https://evil" + string.Concat(Enumerable.Repeat(new string(Dangerous), 20))[..236] + ".test";
        var attacker = IPAddress.Parse("127.0.0.41");

        // Act: 5,000 handshakes, 50 at a time.
        var statuses = new List<string>();
        for (var batch = 0; batch < 100; batch++)
        {
            var sent = Enumerable.Range(0, 50).Select(_ => UnserializedOriginTests.SendUtf8HandshakeAsync(app, origin, attacker));
            statuses.AddRange((await Task.WhenAll(sent)).Select(r => r[9..12]));
        }

        var wsauth = app.Logs.FromWsAuth().ToList();
        var information = wsauth.Where(e => e.Level >= LogLevel.Information && e.Id.Name is "HandshakeRejected").ToList();

        // Assert: 300 refusals then 4,700 limited, but two Information lines, one per reason.
        Assert.Equal(300, statuses.Count(s => s == "403"));
        Assert.Equal(4700, statuses.Count(s => s == "429"));
        Assert.Equal(2, information.Count);
        Assert.Single(information, e => e.StateValues.Contains("Reason=" + WebSocketAuthFailureReasons.OriginMalformed));
        Assert.Single(information, e => e.StateValues.Contains("Reason=" + WebSocketAuthFailureReasons.RateLimited));
        Assert.Equal(4998, wsauth.Count(e => e.Id.Name == "HandshakeRejectedRepeated" && e.Level == LogLevel.Debug));
        Assert.All(wsauth, e => Assert.Equal(-1, e.AllText.AsSpan().IndexOfAny(DangerousValues)));
    }
}
