using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using WsAuth.Internal;
using WsAuth.Testing;

namespace WsAuth.Tests.Tokens;

public class WebSocketJwtOptionsTests
{
    private static WebSocketJwtOptions Valid()
    {
        var options = new WebSocketJwtOptions();
        options.SigningKeys.Add(TestJwt.HmacKey);
        options.ValidIssuers.Add(TestJwt.Issuer);
        options.ValidAudiences.Add(TestJwt.Audience);
        return options;
    }

    private static string Errors(WebSocketJwtOptions options)
    {
        var result = new WebSocketJwtOptionsValidator().Validate(null, options);
        Assert.True(result.Failed, "the options were accepted");
        return result.FailureMessage;
    }

    [Fact]
    public void Defaults_AreSecure()
    {
        var options = new WebSocketJwtOptions();
        Assert.Equal(TimeSpan.FromSeconds(30), options.ClockSkew);
        Assert.Equal(8192, options.MaxTokenSize);
        Assert.True(options.ValidateIssuer);
        Assert.True(options.ValidateAudience);
        Assert.Empty(options.AllowedAlgorithms);
        Assert.Empty(options.SigningKeys);
        Assert.Null(options.SigningKeyResolver);
        Assert.Equal("name", options.NameClaimType);
        Assert.Equal("role", options.RoleClaimType);
    }

    [Fact]
    public void ValidOptions_Pass()
        => Assert.True(new WebSocketJwtOptionsValidator().Validate(null, Valid()).Succeeded);

    [Fact]
    public void NoKey_IsAnErrorNamingTheFix()
    {
        var options = Valid();
        options.SigningKeys.Clear();
        Assert.Contains("SigningKeys.Add", Errors(options), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("None")]
    [InlineData(" NONE ")]
    public void AlgNone_IsAnError(string alg)
    {
        var options = Valid();
        options.AllowedAlgorithms.Add(alg);
        Assert.Contains("never accepted", Errors(options), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hs256")]
    [InlineData("RSA-OAEP")]
    [InlineData("dir")]
    [InlineData("EdDSA")]
    public void UnsupportedAlgorithm_IsAnError(string alg)
    {
        var options = Valid();
        options.AllowedAlgorithms.Add(alg);
        Assert.Contains("not a supported JWS algorithm", Errors(options), StringComparison.Ordinal);
    }

    [Fact]
    public void ShortHmacKey_IsAnError()
    {
        var options = Valid();
        options.SigningKeys.Add(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(16)));
        Assert.Contains("at least 256 bits", Errors(options), StringComparison.Ordinal);
    }

    [Fact]
    public void ShortRsaKey_IsAnError()
    {
        using var rsa = RSA.Create(1024);
        var options = Valid();
        options.SigningKeys.Add(new RsaSecurityKey(rsa.ExportParameters(false)));
        Assert.Contains("at least 2048", Errors(options), StringComparison.Ordinal);
    }

    [Fact]
    public void ResolverWithoutAlgorithms_IsAnError()
    {
        var options = Valid();
        options.SigningKeys.Clear();
        options.SigningKeyResolver = _ => null;
        Assert.Contains("AllowedAlgorithms.Add", Errors(options), StringComparison.Ordinal);
        options.AllowedAlgorithms.Add("RS256");
        Assert.True(new WebSocketJwtOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void NoIssuerOrAudience_AreErrorsUnlessTurnedOff()
    {
        var options = Valid();
        options.ValidIssuers.Clear();
        options.ValidAudiences.Clear();
        var errors = Errors(options);
        Assert.Contains("ValidIssuers.Add", errors, StringComparison.Ordinal);
        Assert.Contains("ValidAudiences.Add", errors, StringComparison.Ordinal);

        options.ValidateIssuer = false;
        options.ValidateAudience = false;
        Assert.True(new WebSocketJwtOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(301)]
    public void ClockSkewOutOfRange_IsAnError(int seconds)
    {
        var options = Valid();
        options.ClockSkew = TimeSpan.FromSeconds(seconds);
        Assert.Contains("ClockSkew", Errors(options), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65537)]
    public void MaxTokenSizeOutOfRange_IsAnError(int size)
    {
        var options = Valid();
        options.MaxTokenSize = size;
        Assert.Contains("MaxTokenSize", Errors(options), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(63, false)]
    [InlineData(64, true)]
    [InlineData(65536, true)]
    [InlineData(65537, false)]
    public void MaxTokenSizeRange_DocumentsWhatStartupEnforces(int size, bool valid)
    {
        // Arrange
        var options = Valid();
        options.MaxTokenSize = size;

        // Act: the [Range] attribute (read by tools) and the startup validator (what runs)
        var byAttribute = Validator.TryValidateProperty(size, new ValidationContext(options) { MemberName = nameof(WebSocketJwtOptions.MaxTokenSize) }, null);
        var atStartup = new WebSocketJwtOptionsValidator().Validate(null, options).Succeeded;

        // Assert
        Assert.Equal(valid, byAttribute);
        Assert.Equal(valid, atStartup);
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(300_000, true)]
    [InlineData(300_001, false)]
    public void ClockSkewRange_DocumentsWhatStartupEnforces(int milliseconds, bool valid)
    {
        var options = Valid();
        options.ClockSkew = TimeSpan.FromMilliseconds(milliseconds);

        var byAttribute = Validator.TryValidateProperty(options.ClockSkew, new ValidationContext(options) { MemberName = nameof(WebSocketJwtOptions.ClockSkew) }, null);
        var atStartup = new WebSocketJwtOptionsValidator().Validate(null, options).Succeeded;

        Assert.Equal(valid, byAttribute);
        Assert.Equal(valid, atStartup);
    }

    [Fact]
    public void Configuration_BindsWsAuthJwt_ThenCodeRuns()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["WsAuth:Jwt:ValidIssuers:0"] = "https://a.test",
            ["WsAuth:Jwt:ValidAudiences:0"] = "api",
            ["WsAuth:Jwt:AllowedAlgorithms:0"] = "RS256",
            ["WsAuth:Jwt:ValidTypes:0"] = "at+jwt",
            ["WsAuth:Jwt:ClockSkew"] = "00:00:10",
            ["WsAuth:Jwt:MaxTokenSize"] = "4096",
            ["WsAuth:Jwt:ValidateIssuer"] = "false",
            ["WsAuth:Jwt:NameClaimType"] = "sub",
        }).Build());
        services.AddWebSocketAuth(o => o.AllowedOrigins.Add("https://app.example.com")).AddJwtValidation(o => { o.ValidIssuers.Add("https://b.test"); o.SigningKeys.Add(TestJwt.RsaPublicKey); });
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<WebSocketJwtOptions>>().CurrentValue;
        Assert.Equal(["https://a.test", "https://b.test"], options.ValidIssuers);
        Assert.Equal(["api"], options.ValidAudiences);
        Assert.Equal(["RS256"], options.AllowedAlgorithms);
        Assert.Equal(["at+jwt"], options.ValidTypes);
        Assert.Equal(TimeSpan.FromSeconds(10), options.ClockSkew);
        Assert.Equal(4096, options.MaxTokenSize);
        Assert.False(options.ValidateIssuer);
        Assert.Equal("sub", options.NameClaimType);
    }

    [Fact]
    public void Configuration_InvalidValue_FailsNamingTheKey()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["WsAuth:Jwt:ClockSkew"] = "soon" }).Build());
        services.AddWebSocketAuth(o => o.AllowedOrigins.Add("https://app.example.com")).AddJwtValidation();
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<WebSocketJwtOptions>>().CurrentValue);
        Assert.Contains("WsAuth:Jwt:ClockSkew", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SecondValidatorKind_Throws()
    {
        var builder = new ServiceCollection().AddWebSocketAuth(o => o.AllowedOrigins.Add("https://app.example.com")).AddJwtValidation();
        var ex = Assert.Throws<InvalidOperationException>(() => builder.AddTokenValidationScheme("Bearer"));
        Assert.Contains("Choose one", ex.Message, StringComparison.Ordinal);
        builder.AddJwtValidation(); // the same kind again only adds configuration
    }
}
