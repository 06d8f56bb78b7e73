using WsAuth.Internal;

namespace WsAuth.Tests.Origins;

public class OriginNormalizerTests
{
    [Theory]
    // Already canonical
    [InlineData("https://app.example.com", "https://app.example.com")]
    [InlineData("http://localhost:5000", "http://localhost:5000")]
    // Case of scheme and host
    [InlineData("HTTPS://APP.EXAMPLE.COM", "https://app.example.com")]
    [InlineData("Https://App.Example.Com", "https://app.example.com")]
    // Default ports dropped, others kept
    [InlineData("https://app.example.com:443", "https://app.example.com")]
    [InlineData("http://app.example.com:80", "http://app.example.com")]
    [InlineData("https://app.example.com:8443", "https://app.example.com:8443")]
    [InlineData("http://app.example.com:443", "http://app.example.com:443")]
    [InlineData("https://app.example.com:80", "https://app.example.com:80")]
    [InlineData("https://app.example.com:0443", "https://app.example.com")]
    [InlineData("https://app.example.com:08443", "https://app.example.com:8443")]
    // Surrounding optional white space (OWS) is not part of the value
    [InlineData("  https://app.example.com\t", "https://app.example.com")]
    // IDN to punycode
    [InlineData("https://bücher.example", "https://xn--bcher-kva.example")]
    [InlineData("https://BÜCHER.example", "https://xn--bcher-kva.example")]
    [InlineData("https://xn--bcher-kva.example", "https://xn--bcher-kva.example")]
    [InlineData("https://пример.рф", "https://xn--e1afmkfd.xn--p1ai")]
    // IP literals
    [InlineData("http://127.0.0.1:8080", "http://127.0.0.1:8080")]
    [InlineData("http://[::1]:8080", "http://[::1]:8080")]
    [InlineData("http://[0:0:0:0:0:0:0:1]", "http://[::1]")]
    [InlineData("http://[2001:DB8::1]", "http://[2001:db8::1]")]
    // Other schemes keep their ports
    [InlineData("chrome-extension://abcdefghijklmnop", "chrome-extension://abcdefghijklmnop")]
    [InlineData("wss://app.example.com:443", "wss://app.example.com")]
    public void TryNormalize_ValidOrigin_ReturnsCanonicalForm(string input, string expected)
    {
        Assert.True(OriginNormalizer.TryNormalize(input, out var normalized));
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("null")]
    [InlineData("app.example.com")]
    [InlineData("//app.example.com")]
    [InlineData("https://")]
    [InlineData("https:/app.example.com")]
    [InlineData("https://app.example.com/")]
    [InlineData("https://app.example.com/path")]
    [InlineData("https://app.example.com?x=1")]
    [InlineData("https://app.example.com#frag")]
    [InlineData("https://user@app.example.com")]
    [InlineData("https://user:pass@app.example.com")]
    [InlineData("https://app.example.com:")]
    [InlineData("https://app.example.com:65536")]
    [InlineData("https://app.example.com:0")]
    [InlineData("https://app.example.com:-1")]
    [InlineData("https://app.example.com:443x")]
    [InlineData("https://app.example.com:123456")]
    [InlineData("https://app..example.com")]
    [InlineData("https://.example.com")]
    [InlineData("https://example.com.")]
    [InlineData("https://app example.com")]
    [InlineData("https://app.example.com, https://evil.test")]
    [InlineData("https://app.example.com https://evil.test")]
    [InlineData("https://app%2eexample.com")]
    [InlineData("https://app.example.com\\@evil.test")]
    [InlineData("https://app\r\n.example.com")]
    [InlineData("1https://app.example.com")]
    [InlineData("ht_tp://app.example.com")]
    [InlineData("http://[::1")]
    [InlineData("http://[::1]x")]
    [InlineData("http://[127.0.0.1]")]
    [InlineData("http://[fe80::1%25eth0]")]
    [InlineData("https://*.example.com")]
    [InlineData("https://a\u0000b.example.com")]
    // Non-ASCII white space and control characters
    [InlineData("https://app\u00A0example.com")]
    [InlineData("https://app.example.com\u2028")]
    [InlineData("https://app\u0085.example.com")]
    [InlineData("https://app.example.com:8443\u3000")]
    public void TryNormalize_NotASerializedOrigin_Fails(string input)
    {
        Assert.False(OriginNormalizer.TryNormalize(input, out var normalized));
        Assert.Null(normalized);
    }

    [Fact]
    public void TryNormalize_OverlongLabel_Fails()
    {
        Assert.False(OriginNormalizer.TryNormalize("https://" + new string('a', 64) + ".example.com", out _));
        Assert.True(OriginNormalizer.TryNormalize("https://" + new string('a', 63) + ".example.com", out _));
    }

    [Fact]
    public void TryNormalize_HugeValue_FailsWithoutThrowing()
    {
        Assert.False(OriginNormalizer.TryNormalize("https://" + new string('a', 100_000) + ".com", out _));
    }

    [Fact]
    public void TryNormalize_CanonicalInput_ReturnsSameInstance()
    {
        const string origin = "https://app.example.com";
        Assert.True(OriginNormalizer.TryNormalize(origin, out var normalized));
        Assert.Same(origin, normalized);
    }

    [Theory]
    [InlineData("HTTPS://App.Example.com:443")]
    [InlineData("https://bücher.example:8443")]
    [InlineData("http://[0:0:0:0:0:0:0:1]:80")]
    public void TryNormalize_IsIdempotent(string input)
    {
        Assert.True(OriginNormalizer.TryNormalize(input, out var once));
        Assert.True(OriginNormalizer.TryNormalize(once, out var twice));
        Assert.Equal(once, twice);
    }

    [Fact]
    public void TryNormalize_LongestCanonicalOrigin_FitsTheStackBuffer()
    {
        // Arrange: the longest scheme, a 253-character host and a 5-digit port, in upper case so every part is rewritten.
        var scheme = "S" + new string('C', 31);
        var host = string.Join('.', new string('A', 63), new string('B', 63), new string('C', 63), new string('D', 61));
        var input = $"{scheme}://{host}:65535";

        // Act
        var ok = OriginNormalizer.TryNormalize(input, out var normalized);

        // Assert
        Assert.True(ok);
        Assert.NotNull(normalized);
        Assert.Equal(input.ToLowerInvariant(), normalized);
        Assert.Equal(OriginNormalizer.MaxNormalizedLength, normalized.Length);
    }

    [Theory]
    [InlineData("https://App.Example.com:443", "https://app.example.com", true)]
    [InlineData("https://app.example.com", "https://app.example.com", false)]
    [InlineData(" https://app.example.com", "https://app.example.com", true)]
    [InlineData("https://app.example.com:08443", "https://app.example.com:8443", true)]
    [InlineData("http://[0::1]", "http://[::1]", true)]
    public void TryNormalize_ToSpan_WritesCanonicalFormAndSaysWhetherItChanged(string input, string expected, bool expectedChanged)
    {
        Span<char> buffer = stackalloc char[OriginNormalizer.MaxNormalizedLength];
        Assert.True(OriginNormalizer.TryNormalize(input, buffer, out var written, out var changed));
        Assert.Equal(expected, buffer[..written].ToString());
        Assert.Equal(expectedChanged, changed);
    }
}
