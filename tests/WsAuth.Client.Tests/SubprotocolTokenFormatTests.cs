using System.Buffers.Text;
using System.Text;

namespace WsAuth.Client;

public class SubprotocolTokenFormatTests
{
    private const string Jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";

    [Fact]
    public void Marker_IsTheMarkerThenTheToken()
    {
        Assert.Equal(["access_token", Jwt], SubprotocolTokenFormat.Marker.CreateEntries(Jwt));
        Assert.Equal(["bearer", Jwt], SubprotocolTokenFormat.WithMarker("bearer").CreateEntries(Jwt));
    }

    [Theory]
    [InlineData("jéton✓")]
    [InlineData("pässwörd=with+/chars")]
    [InlineData("a")]
    [InlineData("ab")]
    [InlineData("abc")]
    public void Kubernetes_IsThePrefixAndUnpaddedBase64UrlOfTheUtf8Token(string token)
    {
        var entry = Assert.Single(SubprotocolTokenFormat.Kubernetes.CreateEntries(token));

        Assert.StartsWith("base64url.bearer.authorization.k8s.io.", entry, StringComparison.Ordinal);
        var encoded = entry["base64url.bearer.authorization.k8s.io.".Length..];
        Assert.DoesNotContain('=', encoded);
        Assert.DoesNotContain('+', encoded);
        Assert.DoesNotContain('/', encoded);
        Assert.Equal(token, Encoding.UTF8.GetString(Base64Url.DecodeFromChars(encoded)));
    }

    [Fact]
    public void Kubernetes_MatchesTheJavaScriptClient()
    {
        // The same vector is asserted in clients/js/test/protocol.test.js.
        Assert.Equal(
            "base64url.bearer.authorization.k8s.io.cMOkc3N3w7ZyZD13aXRoKy9jaGFycw",
            Assert.Single(SubprotocolTokenFormat.Kubernetes.CreateEntries("pässwörd=with+/chars")));
    }

    [Fact]
    public void CustomPrefix_WorksLikeKubernetes()
        => Assert.Equal(["my.token.YWJj"], SubprotocolTokenFormat.WithPrefix("my.token.").CreateEntries("abc"));

    [Theory]
    [InlineData("has space")]
    [InlineData("padded==")]
    [InlineData("a,b")]
    [InlineData("ünïcode")]
    public void Marker_RefusesATokenASubprotocolCannotCarry_WithoutQuotingIt(string token)
    {
        var error = Assert.Throws<ArgumentException>(() => SubprotocolTokenFormat.Marker.CreateEntries(token));
        Assert.DoesNotContain(token, error.Message, StringComparison.Ordinal);
        Assert.Contains("Kubernetes", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("a,b")]
    public void InvalidMarkerOrPrefix_Throws(string value)
    {
        Assert.Throws<ArgumentException>(() => SubprotocolTokenFormat.WithMarker(value));
        Assert.Throws<ArgumentException>(() => SubprotocolTokenFormat.WithPrefix(value));
    }

    [Fact]
    public void EmptyToken_Throws()
    {
        Assert.Throws<ArgumentException>(() => SubprotocolTokenFormat.Marker.CreateEntries(string.Empty));
        Assert.Throws<ArgumentException>(() => SubprotocolTokenFormat.Kubernetes.CreateEntries(string.Empty));
    }
}
