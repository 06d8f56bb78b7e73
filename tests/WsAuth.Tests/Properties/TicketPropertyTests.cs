using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WsAuth.Testing;
using WsAuth.Internal;

namespace WsAuth.Tests.Properties;

/// <summary>
/// Properties of ticket parsing (<see cref="TicketCodec.TryGetId"/> and the authenticator that reads <c>?ticket=</c> and
/// the ticket subprotocol), the code that sees every forged ticket (matrix T4, T5).
/// </summary>
public partial class TicketPropertyTests
{
    // 43 base64url characters carry 258 bits; the canonical encoding of 32 bytes leaves the last two bits zero.
    [GeneratedRegex("^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$")]
    private static partial Regex StrictGrammar();

    private const string Prefix = "wsauth.ticket.";

    private static readonly Gen<byte[]> TicketBytes = Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), TicketCodec.TicketBytes);

    /// <summary>Valid tickets with the damage forgers and broken clients produce.</summary>
    private static readonly Gen<string> TicketLike =
        from bytes in TicketBytes
        let valid = Base64Url.EncodeToString(bytes)
        from damage in Gen.Choose(0, 11)
        from position in Gen.Choose(0, valid.Length - 1)
        from c in Gen.Elements("A", "a", "0", "-", "_", "+", "/", "=", " ", "\t", "%", ".", "ü", "\0", "B", "f", "1")
        select damage switch
        {
            0 => valid,
            1 => valid + "=",
            2 => valid[..position] + c + valid[(position + 1)..],
            3 => valid[..position] + c + valid[position..],
            4 => valid[..position] + valid[(position + 1)..],
            5 => valid.ToUpperInvariant(),
            6 => " " + valid,
            7 => valid + c,
            8 => Convert.ToBase64String(bytes),
            9 => valid[..^1] + c,
            10 => valid + valid,
            _ => c,
        };

    private static readonly Gen<string> AnyTicket = Gen.OneOf(TicketLike, ArbMap.Default.GeneratorFor<string>().Select(s => s ?? string.Empty));

    [Fact]
    [Trait("Matrix", "T4")]
    public void TryGetId_NeverThrows_AndOnlyAcceptsTheCanonicalEncodingOf32Bytes()
        => PropertyCheck.Run(Prop.ForAll(AnyTicket.ToArbitrary(), ticket =>
        {
            var accepted = TicketCodec.TryGetId(ticket, out var id);
            return accepted == StrictGrammar().IsMatch(ticket) && (id is null) != accepted;
        }), maxTest: 3000);

    [Fact]
    [Trait("Matrix", "T5")]
    public void TryGetId_RoundTrips_AndTheIdIsTheSha256OfTheTicketBytes()
        => PropertyCheck.Run(Prop.ForAll(TicketBytes.ToArbitrary(), bytes =>
        {
            var ticket = Base64Url.EncodeToString(bytes);
            var expected = Base64Url.EncodeToString(SHA256.HashData(bytes));
            return TicketCodec.TryGetId(ticket, out var id) && id == expected && !id.Contains(ticket, StringComparison.Ordinal);
        }));

    [Fact]
    [Trait("Matrix", "T5")]
    public void NewTicket_IsAlwaysAcceptedWithItsOwnId_AndTheLoggedIdPrefixIsNotTheTicket()
        => PropertyCheck.Run(Prop.ForAll(Gen.Constant(0).ToArbitrary(), _ =>
        {
            var ticket = TicketCodec.NewTicket(out var issuedId);
            var logId = TicketCodec.LogId(issuedId);
            return StrictGrammar().IsMatch(ticket)
                && TicketCodec.TryGetId(ticket, out var id) && id == issuedId
                && logId.Length == 12 && !ticket.Contains(logId, StringComparison.Ordinal);
        }), maxTest: 200);

    [Fact]
    [Trait("Matrix", "T4")]
    public void Authenticator_AnyQueryOrProtocolValue_GivesADocumentedOutcome_AndOnlyWellFormedTicketsReachTheStore()
    {
        var clock = new FakeTimeProvider();
        var store = new CountingStore(new InMemoryTicketStore(100, clock));
        var authenticator = new TicketWebSocketAuthenticator(
            Options.Create(new WebSocketTicketOptions { SubprotocolPrefix = Prefix }),
            Options.Create(new WebSocketAuthOptions { TimeProvider = clock }),
            store,
            clock,
            NullLoggerFactory.Instance);
        var documented = new HashSet<string>(StringComparer.Ordinal)
        {
            WebSocketAuthFailureReasons.TicketMalformed,
            WebSocketAuthFailureReasons.TicketMultiple,
            WebSocketAuthFailureReasons.TicketInvalid,
            WebSocketAuthFailureReasons.TicketProtocolRequired,
        };
        var gen =
            from ticket in AnyTicket
            from transport in Gen.Choose(0, 3)
            select (ticket, transport);

        PropertyCheck.Run(Prop.ForAll(gen.ToArbitrary(), input =>
        {
            var http = new DefaultHttpContext();
            http.Request.Path = "/ws";
            http.Connection.RemoteIpAddress = IPAddress.Loopback;
            var escaped = Uri.EscapeDataString(input.ticket);
            switch (input.transport)
            {
                case 0:
                    http.Request.QueryString = new QueryString("?ticket=" + escaped);
                    break;
                case 1:
                    http.Request.QueryString = new QueryString("?ticket=" + escaped + "&ticket=" + escaped);
                    break;
                case 2:
                    http.Request.Headers.SecWebSocketProtocol = "chat.v1, " + Prefix + input.ticket.Replace(",", string.Empty, StringComparison.Ordinal).Trim();
                    break;
                default:
                    http.Request.Headers.SecWebSocketProtocol = Prefix + input.ticket.Replace(",", string.Empty, StringComparison.Ordinal).Trim();
                    break;
            }

            var before = store.Consumes;
            var context = new WebSocketAuthenticateContext(http, WebSocketOriginStatus.Allowed, "https://app.example.com");
            var result = authenticator.AuthenticateAsync(context, default).AsTask().GetAwaiter().GetResult();
            var reachedStore = store.Consumes != before;
            var presented = input.transport is 0 or 1 ? input.ticket : input.ticket.Replace(",", string.Empty, StringComparison.Ordinal).Trim();
            return !result.Succeeded
                && (result == WebSocketAuthenticateResult.NoCredentials
                    || (documented.Contains(result.FailureReason!) && result.StatusCode is StatusCodes.Status400BadRequest or StatusCodes.Status401Unauthorized))
                && (!reachedStore || (input.transport is 0 or 2 && StrictGrammar().IsMatch(presented)));
        }), maxTest: 1000);
    }

    private sealed class CountingStore(IWebSocketTicketStore inner) : IWebSocketTicketStore
    {
        public int Consumes { get; private set; }

        public ValueTask<bool> TryStoreAsync(string ticketId, byte[] data, DateTimeOffset expiresAt, CancellationToken cancellationToken)
            => inner.TryStoreAsync(ticketId, data, expiresAt, cancellationToken);

        public ValueTask<byte[]?> ConsumeAsync(string ticketId, CancellationToken cancellationToken)
        {
            Consumes++;
            return inner.ConsumeAsync(ticketId, cancellationToken);
        }
    }
}
