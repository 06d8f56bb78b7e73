using Microsoft.Extensions.Primitives;
using WsAuth.Internal;

namespace WsAuth.Tests.Origins;

public class OriginPolicyTests
{
    private static readonly OriginPolicy Policy = OriginPolicy.Create(
        ["https://app.example.com", "https://*.example.org", "http://localhost:5000", "https://*.bücher.example:8443", "https://admin.example.com/"],
        allowAnyOrigin: false);

    [Theory]
    [InlineData("https://app.example.com")]
    [InlineData("HTTPS://APP.EXAMPLE.COM")]
    [InlineData("https://app.example.com:443")]
    [InlineData("https://admin.example.com")]
    [InlineData("https://a.example.org")]
    [InlineData("https://a.b.example.org")]
    [InlineData("https://A.Example.ORG:443")]
    [InlineData("http://localhost:5000")]
    [InlineData("https://shop.xn--bcher-kva.example:8443")]
    public void Check_ListedOrigin_IsAllowed(string origin)
    {
        Assert.Equal(OriginCheck.Allowed, Policy.Check(origin, out var normalized));
        Assert.NotNull(normalized);
    }

    [Theory]
    // Suffix and prefix tricks against exact and wildcard entries
    [InlineData("https://evil-app.example.com")]
    [InlineData("https://app.example.com.evil.net")]
    [InlineData("https://app.example.com.hacked")]
    [InlineData("https://evil-example.org")]
    [InlineData("https://example.org.evil.net")]
    [InlineData("https://xexample.org")]
    // A wildcard does not cover the bare domain
    [InlineData("https://example.org")]
    // Scheme and port must match
    [InlineData("http://app.example.com")]
    [InlineData("https://app.example.com:8443")]
    [InlineData("http://a.example.org")]
    [InlineData("https://a.example.org:8443")]
    [InlineData("https://shop.xn--bcher-kva.example")]
    [InlineData("http://localhost:5001")]
    [InlineData("http://localhost")]
    [InlineData("http://127.0.0.1:5000")]
    [InlineData("http://[::1]:5000")]
    // Homograph: Cyrillic 'а' in "аpp", as a browser sends it (punycode)
    [InlineData("https://xn--pp-7lc.example.com")]
    public void Check_UnlistedOrigin_IsNotAllowed(string origin)
        => Assert.Equal(OriginCheck.NotAllowed, Policy.Check(origin, out _));

    [Theory]
    [InlineData("https://app.example.com/")]
    [InlineData("https://app.example.com/path")]
    [InlineData("https://app.example.com, https://evil.test")]
    [InlineData("")]
    [InlineData("app.example.com")]
    [InlineData("NULL")]
    public void Check_MalformedOrigin_IsMalformed(string origin)
        => Assert.Equal(OriginCheck.Malformed, Policy.Check(origin, out _));

    // A serialized origin is ASCII (an IDN host arrives as punycode) with a port without leading zeros: browsers never
    // send anything else, so nothing else is normalized into an allowed origin (SECURITY-MATRIX AV8). The allow-list
    // itself may still be configured with an IDN ("https://*.bücher.example:8443" above).
    [Theory]
    [Trait("Matrix", "AV8")]
    [InlineData("http://\uFF4C\uFF4F\uFF43\uFF41\uFF4C\uFF48\uFF4F\uFF53\uFF54:5000")] // fullwidth "localhost"
    [InlineData("http://localhost:\uFF15\uFF10\uFF10\uFF10")] // fullwidth digits
    [InlineData("https://app\u3002example\u3002com")] // ideographic full stops
    [InlineData("https://app\uFF0Eexample\uFF0Ecom")] // fullwidth full stops
    [InlineData("http://localhost:05000")]
    [InlineData("https://app.example.com:0443")]
    [InlineData("https://shop.bücher.example:8443")]
    [InlineData("https://\u0430pp.example.com")]
    public void Check_OriginThatIsNotSerialized_IsMalformed(string origin)
        => Assert.Equal(OriginCheck.Malformed, Policy.Check(origin, out _));

    [Theory]
    [InlineData("null")]
    [InlineData(" null ")]
    public void Check_NullOrigin_IsNull(string origin)
        => Assert.Equal(OriginCheck.Null, Policy.Check(origin, out _));

    [Fact]
    public void Check_NoHeader_IsMissing()
        => Assert.Equal(OriginCheck.Missing, Policy.Check(StringValues.Empty, out _));

    [Fact]
    public void Check_TwoHeaders_IsMultipleEvenWhenBothAreAllowed()
        => Assert.Equal(OriginCheck.Multiple, Policy.Check(new StringValues(["https://app.example.com", "https://app.example.com"]), out _));

    [Fact]
    public void Check_AllowAnyOrigin_AcceptsWellFormedButNotMalformedOrNull()
    {
        var any = OriginPolicy.Create([], allowAnyOrigin: true);
        Assert.Equal(OriginCheck.Allowed, any.Check("https://whatever.test", out _));
        Assert.Equal(OriginCheck.Malformed, any.Check("https://whatever.test/x", out _));
        Assert.Equal(OriginCheck.Null, any.Check("null", out _));
    }

    [Theory]
    [InlineData("*", "AllowAnyOrigin")]
    [InlineData("null", "AllowNullOrigin")]
    [InlineData("", "empty")]
    [InlineData("app.example.com", "not a valid origin")]
    [InlineData("https://app.example.com/path", "not a valid origin")]
    [InlineData("https://app.example.com?q", "not a valid origin")]
    [InlineData("https://*.com", "too broad")]
    [InlineData("https://*", "wildcard")]
    [InlineData("https://a*.example.com", "wildcard")]
    [InlineData("https://*example.com", "wildcard")]
    [InlineData("*.example.com", "wildcard")]
    [InlineData("https://app.*.example.com", "wildcard")]
    [InlineData("https://*.*.example.com", "wildcard")]
    public void TryCompileEntry_InvalidEntry_ExplainsTheFix(string entry, string expectedFragment)
    {
        Assert.False(OriginPolicy.TryCompileEntry(entry, out _, out _, out var error));
        Assert.Contains(expectedFragment, error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Create_InvalidEntry_Throws()
        => Assert.Throws<ArgumentException>(() => OriginPolicy.Create(["https://ok.example.com", "nope"], allowAnyOrigin: false));

    [Fact]
    public void Check_IsConsistentAcrossCaseAndDefaultPort()
    {
        foreach (var variant in new[] { "https://app.example.com", "HTTPS://app.EXAMPLE.com", "https://app.example.com:443", "https://APP.example.com:443" })
        {
            Assert.Equal(OriginCheck.Allowed, Policy.Check(variant, out var normalized));
            Assert.Equal("https://app.example.com", normalized);
        }
    }

    [Fact]
    public void Check_NonCanonicalListedOrigin_ReturnsTheListedInstance()
    {
        Assert.Equal(OriginCheck.Allowed, Policy.Check("HTTPS://APP.EXAMPLE.COM", out var first));
        Assert.Equal(OriginCheck.Allowed, Policy.Check("https://app.example.com:443", out var second));
        Assert.Same(first, second);
    }

    [Theory]
    [InlineData("https://a.example.org")] // wildcard
    [InlineData("https://evil.example.net")] // not listed
    public void Check_CanonicalHeader_ReturnsTheHeaderInstance(string origin)
    {
        Policy.Check(origin, out var normalized);
        Assert.Same(origin, normalized);
    }
}
