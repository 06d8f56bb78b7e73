using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Logging;
using Microsoft.IdentityModel.Tokens;
using WsAuth.Internal;
using WsAuth.Testing;

namespace WsAuth.Tests.Tokens;

/// <summary>The JWT attack matrix (SECURITY-MATRIX J1-J9, L2) against the default validator.</summary>
public sealed class JwtWebSocketTokenValidatorTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly FakeLogCollector _logs = new();

    private DateTimeOffset Now => _time.GetUtcNow();

    private JwtWebSocketTokenValidator Create(Action<WebSocketJwtOptions>? configure = null)
    {
        var options = new WebSocketJwtOptions();
        options.ValidIssuers.Add(TestJwt.Issuer);
        options.ValidAudiences.Add(TestJwt.Audience);
        options.SigningKeys.Add(TestJwt.HmacKey);
        options.SigningKeys.Add(TestJwt.RsaPublicKey);
        options.SigningKeys.Add(TestJwt.EcdsaPublicKey);
        configure?.Invoke(options);
        var validation = new WebSocketJwtOptionsValidator().Validate(null, options);
        Assert.True(validation.Succeeded, validation.FailureMessage);
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(_logs)));
        return new JwtWebSocketTokenValidator(Options.Create(options), Options.Create(new WebSocketAuthOptions()), _time, factory.CreateLogger<JwtWebSocketTokenValidator>());
    }

    private async Task<string> ReasonAsync(string token, Action<WebSocketJwtOptions>? configure = null)
    {
        var result = await Create(configure).ValidateAsync(token);
        Assert.False(result.Succeeded, "the token was accepted");
        Assert.Equal(StatusCodes.Status401Unauthorized, result.StatusCode);
        return result.FailureReason!;
    }

    // ---- Accepted: a good token of each key type ----

    public static TheoryData<string> KeyTypes => ["HS256", "RS256", "ES256"];

    [Theory]
    [MemberData(nameof(KeyTypes))]
    public async Task GoodToken_OfEachKeyType_IsAccepted_WithThePrincipalAndExpiry(string alg)
    {
        var token = alg switch
        {
            "HS256" => TestJwt.HmacToken(Now, "alice"),
            "RS256" => TestJwt.RsaToken(Now, "alice"),
            _ => TestJwt.EcdsaToken(Now, "alice"),
        };

        var result = await Create().ValidateAsync(token);

        Assert.True(result.Succeeded, result.FailureReason);
        Assert.Equal("alice", result.Principal.Identity!.Name);
        Assert.True(result.Principal.Identity.IsAuthenticated);
        Assert.Equal(Now.AddMinutes(5).ToUnixTimeSeconds(), result.ExpiresAt!.Value.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task TokenMadeByIdentityModel_IsAccepted()
    {
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = TestJwt.Issuer,
            Audience = TestJwt.Audience,
            Claims = new Dictionary<string, object> { ["sub"] = "bob", ["name"] = "bob", ["role"] = "admin" },
            NotBefore = Now.UtcDateTime,
            Expires = Now.AddMinutes(1).UtcDateTime,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(TestJwt.Rsa), SecurityAlgorithms.RsaSsaPssSha256),
        });

        var result = await Create().ValidateAsync(token);

        Assert.True(result.Succeeded, result.FailureReason);
        Assert.Equal("bob", result.Principal.Identity!.Name);
        Assert.True(result.Principal.IsInRole("admin"));
    }

    [Fact]
    public async Task AcceptedPrincipal_KeepsTheClaims_ButNotTheParsedToken()
    {
        // IdentityModel 8's identity holds the JsonWebToken it came from (encoded token, header, payload) for as long
        // as the principal lives, i.e. the socket's lifetime: a credential the endpoint could reach, and kilobytes a session.
        var token = TestJwt.HmacToken(Now, "alice");

        var result = await Create().ValidateAsync(token);

        Assert.True(result.Succeeded, result.FailureReason);
        var identity = Assert.Single(result.Principal.Identities);
        Assert.IsNotType<CaseSensitiveClaimsIdentity>(identity);
        Assert.Null(identity.BootstrapContext);
        Assert.Equal("alice", identity.Name);
        Assert.True(identity.IsAuthenticated);
        Assert.Equal(TestJwt.Issuer, identity.FindFirst("sub")?.Issuer);
        Assert.DoesNotContain(identity.Claims, c => c.Value.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AcceptedPrincipal_SharesTheConfiguredIssuerAndAudienceStrings()
    {
        // Every open JWT session keeps its claims: the issuer (on every claim) and the iss and aud values are the same
        // on every token, so the copies point at the configured strings rather than each token's own.
        var issuer = new string(TestJwt.Issuer.AsSpan());
        var audience = new string(TestJwt.Audience.AsSpan());
        var validator = Create(o =>
        {
            o.ValidIssuers.Clear();
            o.ValidIssuers.Add(issuer);
            o.ValidAudiences.Clear();
            o.ValidAudiences.Add(audience);
        });

        var result = await validator.ValidateAsync(TestJwt.HmacToken(Now, "alice"));

        Assert.True(result.Succeeded, result.FailureReason);
        var claims = result.Principal.Claims.ToList();
        Assert.All(claims, c => Assert.Same(issuer, c.Issuer));
        Assert.All(claims, c => Assert.Same(issuer, c.OriginalIssuer));
        Assert.Same(issuer, claims.Single(c => c.Type == "iss").Value);
        Assert.Same(audience, claims.Single(c => c.Type == "aud").Value);
        Assert.Equal("alice", claims.Single(c => c.Type == "sub").Value);
    }

    // ---- J1, J3: alg none and algorithms off the allow-list ----

    [Theory]
    [InlineData("none", "")]
    [InlineData("none", "junk")]
    [InlineData("None", "")]
    [InlineData("NONE", "")]
    [Trait("Matrix", "J1")]
    public async Task AlgNone_IsRejected(string alg, string signature)
    {
        var token = TestJwt.Sign($$"""{"alg":"{{alg}}","typ":"JWT"}""", TestJwt.Payload(Now), null) + signature;
        var expected = signature.Length == 0 ? WebSocketAuthFailureReasons.MalformedToken : WebSocketAuthFailureReasons.AlgorithmNotAllowed;
        Assert.Equal(expected, await ReasonAsync(token));
    }

    [Fact]
    [Trait("Matrix", "J1")]
    public async Task AlgNone_WithAJunkSignature_IsRejectedForItsAlgorithm()
        => Assert.Equal(WebSocketAuthFailureReasons.AlgorithmNotAllowed, await ReasonAsync(TestJwt.Sign("""{"alg":"none"}""", TestJwt.Payload(Now), TestJwt.Hs256(TestJwt.HmacKeyBytes))));

    [Fact]
    [Trait("Matrix", "J3")]
    public async Task ValidlySignedToken_WithAnAlgorithmOffTheList_IsRejected()
    {
        var token = TestJwt.Sign("""{"alg":"HS512"}""", TestJwt.Payload(Now), data => HMACSHA512.HashData(TestJwt.HmacKeyBytes, data));
        Assert.Equal(WebSocketAuthFailureReasons.AlgorithmNotAllowed, await ReasonAsync(token, o => o.AllowedAlgorithms.Add("HS256")));
    }

    [Fact]
    [Trait("Matrix", "J3")]
    [Trait("Matrix", "J2")]
    public async Task DefaultAlgorithms_FollowTheKeys_SoAnRsaOnlySetupRefusesHmac()
    {
        var token = TestJwt.HmacToken(Now);
        Assert.Equal(WebSocketAuthFailureReasons.AlgorithmNotAllowed, await ReasonAsync(token, o =>
        {
            o.SigningKeys.Clear();
            o.SigningKeys.Add(TestJwt.RsaPublicKey);
        }));
    }

    // ---- J2: key confusion, HS256 signed with the RSA public key ----

    public static TheoryData<string> PublicKeyEncodings => ["der", "pem"];

    [Theory]
    [MemberData(nameof(PublicKeyEncodings))]
    [Trait("Matrix", "J2")]
    public async Task Hs256SignedWithTheRsaPublicKey_IsRejected(string encoding)
    {
        var publicKey = encoding == "der"
            ? TestJwt.Rsa.ExportSubjectPublicKeyInfo()
            : Encoding.ASCII.GetBytes(TestJwt.Rsa.ExportSubjectPublicKeyInfoPem());
        var token = TestJwt.Sign("""{"alg":"HS256","typ":"JWT","kid":"rsa-1"}""", TestJwt.Payload(Now), TestJwt.Hs256(publicKey));

        // RSA keys only: HS256 is not even on the derived allow-list.
        Assert.Equal(WebSocketAuthFailureReasons.AlgorithmNotAllowed, await ReasonAsync(token, o => { o.SigningKeys.Clear(); o.SigningKeys.Add(TestJwt.RsaPublicKey); }));

        // Even with HS256 allowed explicitly, an RSA key never verifies an HMAC.
        Assert.Equal(WebSocketAuthFailureReasons.InvalidSignature, await ReasonAsync(token, o =>
        {
            o.SigningKeys.Clear();
            o.SigningKeys.Add(TestJwt.RsaPublicKey);
            o.AllowedAlgorithms.Add("HS256");
            o.AllowedAlgorithms.Add("RS256");
        }));
    }

    // ---- Wrong key, unknown kid (J4) ----

    [Fact]
    [Trait("Matrix", "J1")]
    public async Task SignedWithAnotherKey_IsRejected()
        => Assert.Equal(WebSocketAuthFailureReasons.InvalidSignature, await ReasonAsync(TestJwt.Sign("""{"alg":"HS256"}""", TestJwt.Payload(Now), TestJwt.Hs256(RandomNumberGenerator.GetBytes(32)))));

    [Fact]
    public async Task SignedWithAnotherRsaKey_IsRejected()
    {
        using var other = RSA.Create(2048);
        Assert.Equal(WebSocketAuthFailureReasons.InvalidSignature, await ReasonAsync(TestJwt.Sign("""{"alg":"RS256","kid":"rsa-1"}""", TestJwt.Payload(Now), TestJwt.Rs256(other))));
    }

    [Theory]
    [InlineData("unknown-key")]
    [InlineData("../../../../../../etc/passwd")]
    [InlineData("' OR 1=1 --")]
    [InlineData("/dev/zero")]
    [Trait("Matrix", "J4")]
    public async Task UnknownOrHostileKid_WithAnAttackerKey_IsRejected_AndOnlyReachesTheResolverAsText(string kid)
    {
        var seen = new List<string?>();
        var header = System.Text.Json.JsonSerializer.Serialize(new { alg = "HS256", kid });
        var token = TestJwt.Sign(header, TestJwt.Payload(Now), TestJwt.Hs256(RandomNumberGenerator.GetBytes(32)));

        Assert.Equal(WebSocketAuthFailureReasons.InvalidSignature, await ReasonAsync(token));
        Assert.Equal(WebSocketAuthFailureReasons.InvalidSignature, await ReasonAsync(token, o => o.SigningKeyResolver = k => { seen.Add(k); return []; }));
        Assert.Equal([kid], seen);
    }

    [Fact]
    public async Task KeyResolver_SuppliesTheKey()
    {
        var rotated = RandomNumberGenerator.GetBytes(32);
        var token = TestJwt.Sign("""{"alg":"HS256","kid":"rotated"}""", TestJwt.Payload(Now), TestJwt.Hs256(rotated));
        var validator = Create(o =>
        {
            o.SigningKeys.Clear();
            o.AllowedAlgorithms.Add("HS256");
            o.SigningKeyResolver = kid => kid == "rotated" ? [new SymmetricSecurityKey(rotated)] : null;
        });

        Assert.True((await validator.ValidateAsync(token)).Succeeded);
    }

    [Fact]
    [Trait("Matrix", "L2")]
    [Trait("Matrix", "J4")]
    public async Task KeyResolverThatThrows_Gets500_AndItsMessageIsNotLogged()
    {
        var token = TestJwt.HmacToken(Now);
        var result = await Create(o => o.SigningKeyResolver = _ => throw new InvalidOperationException("key store down: secret-detail")).ValidateAsync(token);

        Assert.Equal(WebSocketAuthFailureReasons.TokenValidatorError, result.FailureReason);
        Assert.Equal(StatusCodes.Status500InternalServerError, result.StatusCode);
        Assert.Contains(_logs.GetSnapshot(), e => e.Id.Name == "JwtKeyResolverFailed" && e.Message.Contains("InvalidOperationException", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.GetSnapshot(), e => e.AllText.Contains("secret-detail", StringComparison.Ordinal));
    }

    // ---- J5: jku / x5u never fetched ----

    [Theory]
    [InlineData("jku")]
    [InlineData("x5u")]
    [Trait("Matrix", "J5")]
    public async Task JkuOrX5u_CausesNoOutboundRequest(string member)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/keys.json";
        var attackerKey = RandomNumberGenerator.GetBytes(32);
        var forged = TestJwt.Sign($$"""{"alg":"HS256","{{member}}":"{{url}}","kid":"attacker"}""", TestJwt.Payload(Now), TestJwt.Hs256(attackerKey));
        var genuine = TestJwt.Sign($$"""{"alg":"HS256","{{member}}":"{{url}}"}""", TestJwt.Payload(Now), TestJwt.Hs256(TestJwt.HmacKeyBytes));

        var validator = Create();
        Assert.Equal(WebSocketAuthFailureReasons.InvalidSignature, (await validator.ValidateAsync(forged)).FailureReason);
        Assert.True((await validator.ValidateAsync(genuine)).Succeeded); // the header is ignored, not trusted and not fatal

        // Validation is synchronous: a fetch would have connected before Validate returned.
        Assert.False(listener.Pending());
    }

    [Fact]
    [Trait("Matrix", "J5")]
    public async Task EmbeddedJwk_IsNotUsedAsTheKey()
    {
        var attackerKey = RandomNumberGenerator.GetBytes(32);
        var jwk = $$"""{"kty":"oct","k":"{{TestJwt.Base64Url(attackerKey)}}"}""";
        var token = TestJwt.Sign($$"""{"alg":"HS256","jwk":{{jwk}}}""", TestJwt.Payload(Now), TestJwt.Hs256(attackerKey));
        Assert.Equal(WebSocketAuthFailureReasons.InvalidSignature, await ReasonAsync(token));
    }

    // ---- J6: lifetime with WsAuth's 30 s skew ----

    [Fact]
    [Trait("Matrix", "J6")]
    public async Task Expired2MinutesAgo_IsRejected_ThoughIdentityModelsDefaultSkewWouldAcceptIt()
    {
        var token = TestJwt.HmacToken(Now, change: c => { c["nbf"] = Now.AddMinutes(-10).ToUnixTimeSeconds(); c["exp"] = Now.AddMinutes(-2).ToUnixTimeSeconds(); });
        Assert.Equal(WebSocketAuthFailureReasons.Expired, await ReasonAsync(token));
    }

    [Fact]
    [Trait("Matrix", "J6")]
    public async Task ExpiredWithinTheSkew_IsAccepted_AndBeyondIt_IsRejected()
    {
        var validator = Create();
        var token = TestJwt.HmacToken(Now, change: c => c["exp"] = Now.AddSeconds(10).ToUnixTimeSeconds());

        _time.Advance(TimeSpan.FromSeconds(35)); // 25 s past exp: inside 30 s
        Assert.True((await validator.ValidateAsync(token)).Succeeded);
        _time.Advance(TimeSpan.FromSeconds(10)); // 35 s past exp
        Assert.Equal(WebSocketAuthFailureReasons.Expired, (await validator.ValidateAsync(token)).FailureReason);
    }

    [Fact]
    [Trait("Matrix", "J6")]
    public async Task NotBefore2MinutesAhead_IsRejected()
    {
        var token = TestJwt.HmacToken(Now, change: c => c["nbf"] = Now.AddMinutes(2).ToUnixTimeSeconds());
        Assert.Equal(WebSocketAuthFailureReasons.NotYetValid, await ReasonAsync(token));
    }

    [Fact]
    [Trait("Matrix", "J6")]
    public async Task MissingExp_IsRejected()
    {
        var token = TestJwt.HmacToken(Now, change: c => c["exp"] = null);
        Assert.Equal(WebSocketAuthFailureReasons.MissingExpiration, await ReasonAsync(token));
    }

    [Fact]
    public async Task ConfiguredSkew_IsUsed()
    {
        var token = TestJwt.HmacToken(Now, change: c => c["exp"] = Now.AddSeconds(-20).ToUnixTimeSeconds());
        Assert.Equal(WebSocketAuthFailureReasons.Expired, await ReasonAsync(token, o => o.ClockSkew = TimeSpan.Zero));
    }

    // ---- J7: issuer, audience, typ ----

    [Fact]
    [Trait("Matrix", "J7")]
    public async Task WrongIssuer_IsRejected()
        => Assert.Equal(WebSocketAuthFailureReasons.InvalidIssuer, await ReasonAsync(TestJwt.HmacToken(Now, change: c => c["iss"] = "https://evil.test")));

    [Fact]
    [Trait("Matrix", "J7")]
    public async Task MissingIssuer_IsRejected()
        => Assert.Equal(WebSocketAuthFailureReasons.InvalidIssuer, await ReasonAsync(TestJwt.HmacToken(Now, change: c => c["iss"] = null)));

    [Fact]
    [Trait("Matrix", "J7")]
    public async Task WrongAudience_IsRejected()
        => Assert.Equal(WebSocketAuthFailureReasons.InvalidAudience, await ReasonAsync(TestJwt.HmacToken(Now, change: c => c["aud"] = "another-service")));

    [Fact]
    public async Task OneOfSeveralAudiences_IsAccepted()
        => Assert.True((await Create().ValidateAsync(TestJwt.HmacToken(Now, change: c => c["aud"] = new[] { "another-service", TestJwt.Audience }))).Succeeded);

    [Fact]
    [Trait("Matrix", "J7")]
    public async Task IdTokenWhereAnAccessTokenIsExpected_IsRejectedByTyp()
    {
        var idToken = TestJwt.HmacToken(Now, headerJson: """{"alg":"HS256","typ":"JWT"}""");
        var noTyp = TestJwt.HmacToken(Now, headerJson: """{"alg":"HS256"}""");
        var accessToken = TestJwt.HmacToken(Now, headerJson: """{"alg":"HS256","typ":"application/AT+JWT"}""");
        var validator = Create(o => o.ValidTypes.Add("at+jwt"));

        Assert.Equal(WebSocketAuthFailureReasons.InvalidType, (await validator.ValidateAsync(idToken)).FailureReason);
        Assert.Equal(WebSocketAuthFailureReasons.InvalidType, (await validator.ValidateAsync(noTyp)).FailureReason);
        Assert.True((await validator.ValidateAsync(accessToken)).Succeeded);
    }

    // ---- J8, J9: size, JWE, zip ----

    [Fact]
    [Trait("Matrix", "J8")]
    public async Task Oversized300KB_IsRejectedBeforeParsing()
    {
        var token = TestJwt.HmacToken(Now, change: c => c["pad"] = new string('a', 300 * 1024));
        Assert.Equal(WebSocketAuthFailureReasons.TokenTooLarge, await ReasonAsync(token));
        Assert.Equal(WebSocketAuthFailureReasons.TokenTooLarge, JwtPrecheck.Check(token, WebSocketJwtOptions.DefaultMaxTokenSize, Algorithms("HS256"), Types()));
    }

    [Fact]
    [Trait("Matrix", "J8")]
    public async Task MaxTokenSize_IsConfigurable()
    {
        var token = TestJwt.HmacToken(Now, change: c => c["pad"] = new string('a', 9000));
        Assert.Equal(WebSocketAuthFailureReasons.TokenTooLarge, await ReasonAsync(token));
        Assert.True((await Create(o => o.MaxTokenSize = 16 * 1024).ValidateAsync(token)).Succeeded);
    }

    [Fact]
    [Trait("Matrix", "J9")]
    public async Task Jwe_WithZipDef_IsRejectedByThePrecheck_NeverReachingDecryption()
    {
        // A genuine JWE whose plaintext inflates 1000:1 (CVE-2024-21319): it must be refused by its shape.
        using var recipient = RSA.Create(2048);
        var handler = new JsonWebTokenHandler();
        var bomb = new string('A', 200 * 1024);
        var jwe = handler.CreateToken(
            $$"""{"sub":"alice","pad":"{{bomb}}"}""",
            new SigningCredentials(TestJwt.HmacKey, SecurityAlgorithms.HmacSha256),
            new EncryptingCredentials(new RsaSecurityKey(recipient.ExportParameters(false)), SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512),
            CompressionAlgorithms.Deflate);
        Assert.Equal(5, jwe.Split('.').Length);
        Assert.Contains("\"zip\":\"DEF\"", Encoding.UTF8.GetString(Convert.FromBase64String(PadBase64(jwe.Split('.')[0]))), StringComparison.Ordinal);
        Assert.True(jwe.Length < WebSocketJwtOptions.DefaultMaxTokenSize, "the compressed bomb fits under the size cap, so only its shape stops it");

        Assert.Equal(WebSocketAuthFailureReasons.EncryptedToken, JwtPrecheck.Check(jwe, WebSocketJwtOptions.DefaultMaxTokenSize, Algorithms("HS256"), Types()));
        Assert.Equal(WebSocketAuthFailureReasons.EncryptedToken, await ReasonAsync(jwe));
    }

    [Fact]
    [Trait("Matrix", "J9")]
    [Trait("Matrix", "J8")]
    public async Task Jwe200KB_IsRejectedBySize_AndAJweUnderTheCap_ByItsShape()
    {
        var header = TestJwt.Base64Url("""{"alg":"RSA-OAEP","enc":"A256GCM","zip":"DEF"}""");
        var big = header + ".a.b." + TestJwt.Base64Url(RandomNumberGenerator.GetBytes(150 * 1024)) + ".c";
        var fits = header + ".a.b." + TestJwt.Base64Url(RandomNumberGenerator.GetBytes(40 * 1024)) + ".c";
        Assert.True(big.Length > 200 * 1024);

        Assert.Equal(WebSocketAuthFailureReasons.TokenTooLarge, await ReasonAsync(big));
        Assert.Equal(WebSocketAuthFailureReasons.TokenTooLarge, await ReasonAsync(big, o => o.MaxTokenSize = WebSocketJwtOptions.MaxTokenSizeLimit));
        Assert.Equal(WebSocketAuthFailureReasons.EncryptedToken, await ReasonAsync(fits, o => o.MaxTokenSize = WebSocketJwtOptions.MaxTokenSizeLimit));
    }

    [Theory]
    [InlineData("""{"alg":"HS256","zip":"DEF"}""")]
    [InlineData("""{"alg":"HS256","enc":"A256GCM"}""")]
    [InlineData("""{"alg":"dir","enc":"A256GCM"}""")]
    [Trait("Matrix", "J9")]
    public void ThreeSegmentTokenWithEncOrZip_IsRejected(string header)
        => Assert.Equal(WebSocketAuthFailureReasons.EncryptedToken, JwtPrecheck.Check(TestJwt.Sign(header, TestJwt.Payload(Now), TestJwt.Hs256(TestJwt.HmacKeyBytes)), 8192, Algorithms("HS256"), Types()));

    [Fact]
    [Trait("Matrix", "J9")]
    public async Task SmallFiveSegmentToken_IsRejectedAsEncrypted()
        => Assert.Equal(WebSocketAuthFailureReasons.EncryptedToken, await ReasonAsync("eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d"));

    // ---- Malformed input ----

    public static TheoryData<string> Garbage =>
    [
        "garbage",
        "not.a.jwt",
        "a.b",
        "a.b.c.d",
        "a.b.c.d.e.f",
        "..",
        "eyJhbGciOiJIUzI1NiJ9..sig",
        "eyJhbGciOiJIUzI1NiJ9.e30.",
        "e30.e30.c2ln",                          // header without alg
        "W10.e30.c2ln",                          // header is an array
        "bnVsbA.e30.c2ln",                       // header is null
        "eyJhbGciOjEyM30.e30.c2ln",              // alg is a number
        "eyJhbGciOiJIUzI1NiJ9.W10.c2ln",         // payload is an array
        "eyJhbGciOiJIUzI1NiJ9.e30=.c2ln",        // padding
        "eyJhbGciOiJIUzI1NiJ9.e30.c2ln=",
        "eyJhbGciOiJIUzI1NiJ9.e3+.c2ln",         // base64, not base64url
        "eyJhbGciOiJIUzI1NiJ9.e30.c2l/",
        " eyJhbGciOiJIUzI1NiJ9.e30.c2ln",        // whitespace
        "eyJhbGciOiJIUzI1NiJ9.e30.c2ln\n",
        "eyJhbGciOiJIUzI1NiJ9.e3.c2ln",          // impossible base64 length
        "eyJhbGciOiJIUzI1NiJ9 .e30.c2ln",
        "eyJhbGciOiJIUzI1NiJ9.e30.c2ln\u0000",
    ];

    [Theory]
    [MemberData(nameof(Garbage))]
    [Trait("Matrix", "J1")]
    public async Task Garbage_IsRejectedAsMalformed(string token)
        => Assert.Equal(WebSocketAuthFailureReasons.MalformedToken, await ReasonAsync(token));

    [Fact]
    public async Task RandomBytes_AreRejectedAsMalformed()
    {
        for (var i = 0; i < 200; i++)
        {
            var token = TestJwt.Base64Url(RandomNumberGenerator.GetBytes(40)) + "." + TestJwt.Base64Url(RandomNumberGenerator.GetBytes(40)) + "." + TestJwt.Base64Url(RandomNumberGenerator.GetBytes(32));
            Assert.Equal(WebSocketAuthFailureReasons.MalformedToken, await ReasonAsync(token));
        }
    }

    [Theory]
    [InlineData("é")]
    [InlineData("\u202e")]
    [InlineData("🔑")]
    [InlineData("ｅ")]
    public async Task NonAscii_IsRejectedAsMalformed(string character)
    {
        var good = TestJwt.HmacToken(Now);
        Assert.Equal(WebSocketAuthFailureReasons.MalformedToken, await ReasonAsync(good.Insert(10, character)));
        Assert.Equal(WebSocketAuthFailureReasons.MalformedToken, await ReasonAsync(good + character));
    }

    [Fact]
    public async Task NonAsciiInsideTheJson_IsFine()
        => Assert.True((await Create().ValidateAsync(TestJwt.HmacToken(Now, subject: "zoë"))).Succeeded);

    [Theory]
    [InlineData("exp", "\"soon\"")]
    [InlineData("exp", "1e400")]
    [InlineData("exp", "-1e30")]
    [InlineData("nbf", "{\"x\":1}")]
    [InlineData("iss", "[\"https://issuer.test\"]")]
    [InlineData("aud", "{\"a\":1}")]
    public async Task ValidlySignedClaimOfTheWrongType_IsRejectedAsMalformed_NeverA500(string claim, string json)
    {
        var payload = TestJwt.Payload(Now, change: c => c[claim] = null).TrimEnd('}') + $",\"{claim}\":{json}}}";
        var reason = await ReasonAsync(TestJwt.Sign("""{"alg":"HS256"}""", payload, TestJwt.Hs256(TestJwt.HmacKeyBytes)));
        Assert.True(reason is WebSocketAuthFailureReasons.MalformedToken or WebSocketAuthFailureReasons.InvalidAudience or WebSocketAuthFailureReasons.InvalidIssuer, reason);
    }

    [Theory]
    [InlineData(new byte[] { 0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x2C, 0x22, 0x61, 0x6C, 0x67, 0x22, 0x3A, 0x22, 0x48, 0x53, 0x32, 0x35, 0x36, 0x22, 0x7D })] // {"\xFF":1,"alg":"HS256"}
    [InlineData(new byte[] { 0x7B, 0x22, 0x61, 0x6C, 0x67, 0x22, 0x3A, 0x22, 0x48, 0x53, 0xC3, 0x22, 0x7D })]                                              // {"alg":"HS\xC3"}
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, 0x7B, 0x22, 0x61, 0x6C, 0x67, 0x22, 0x3A, 0x22, 0x48, 0x53, 0x32, 0x35, 0x36, 0x22, 0x7D })]                 // BOM
    public async Task InvalidUtf8InTheHeader_IsRejectedAsMalformed(byte[] header)
    {
        var signingInput = TestJwt.Base64Url(header) + "." + TestJwt.Base64Url(TestJwt.Payload(Now));
        var token = signingInput + "." + TestJwt.Base64Url(HMACSHA256.HashData(TestJwt.HmacKeyBytes, Encoding.ASCII.GetBytes(signingInput)));
        Assert.Equal(WebSocketAuthFailureReasons.MalformedToken, await ReasonAsync(token));
    }

    [Fact]
    public async Task AnySingleCharacterChange_IsRejected_NeverThrows()
    {
        var validator = Create();
        var good = TestJwt.HmacToken(Now);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ é\u0000";
        var random = new Random(20260101);
        for (var i = 0; i < 3000; i++)
        {
            var chars = good.ToCharArray();
            var position = random.Next(chars.Length);
            var replacement = alphabet[random.Next(alphabet.Length)];
            if (chars[position] == replacement)
            {
                continue;
            }

            chars[position] = replacement;
            var result = await validator.ValidateAsync(new string(chars));
            Assert.True(result.Failed, $"a changed token was accepted (position {position})");
            Assert.Equal(StatusCodes.Status401Unauthorized, result.StatusCode);
        }
    }

    [Fact]
    public async Task NonCanonicalSignatureEncoding_IsRejected_SoOneTokenHasOneSpelling()
    {
        // An HS256 signature is 32 bytes: 43 base64url characters whose last one carries 2 unused bits.
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var good = TestJwt.HmacToken(Now);
        var sibling = alphabet[alphabet.IndexOf(good[^1], StringComparison.Ordinal) ^ 1];
        var sameBytes = good[..^1] + sibling;

        Assert.True((await Create().ValidateAsync(good)).Succeeded);
        Assert.Equal(WebSocketAuthFailureReasons.MalformedToken, await ReasonAsync(sameBytes));
    }

    [Fact]
    public async Task Truncated_IsRejected()
    {
        var good = TestJwt.HmacToken(Now);
        Assert.Equal(WebSocketAuthFailureReasons.InvalidSignature, await ReasonAsync(good[..^3])); // 40 of 43 characters: still canonical base64url
        Assert.Equal(WebSocketAuthFailureReasons.MalformedToken, await ReasonAsync(good[..^42]));
        Assert.Equal(WebSocketAuthFailureReasons.MalformedToken, await ReasonAsync(good[..(good.LastIndexOf('.') + 1)]));
        Assert.Equal(WebSocketAuthFailureReasons.MalformedToken, await ReasonAsync(good[..good.LastIndexOf('.')]));
        Assert.Equal(WebSocketAuthFailureReasons.MalformedToken, await ReasonAsync(good[..20]));
    }

    [Fact]
    public async Task TamperedPayload_IsRejected()
    {
        var good = TestJwt.HmacToken(Now, "alice");
        var parts = good.Split('.');
        var forged = parts[0] + "." + TestJwt.Base64Url(TestJwt.Payload(Now, "admin")) + "." + parts[2];
        Assert.Equal(WebSocketAuthFailureReasons.InvalidSignature, await ReasonAsync(forged));
    }

    // ---- Duplicate header tricks ----

    [Theory]
    [InlineData("""{"alg":"HS256","alg":"none"}""")]
    [InlineData("""{"alg":"none","alg":"HS256"}""")]
    [InlineData("""{"alg":"HS256","ALG":"none"}""")]
    [InlineData("""{"alg":"HS256","\u0061lg":"none"}""")]
    [InlineData("""{"alg":"HS256","alg":"HS256"}""")]
    [InlineData("""{"alg":"HS256","typ":"JWT","typ":"at+jwt"}""")]
    [InlineData("""{"alg":"HS256","crit":["exp"],"exp":1}""")]
    [InlineData("""{"alg":"HS256"} """ + "{}")]
    [InlineData("""{"alg":"HS256",}""")]
    [InlineData("""{"alg":"HS256"/*c*/}""")]
    public async Task DuplicateOrTrickyHeaders_AreRejected_EvenWhenValidlySigned(string header)
        => Assert.Equal(WebSocketAuthFailureReasons.MalformedToken, await ReasonAsync(TestJwt.Sign(header, TestJwt.Payload(Now), TestJwt.Hs256(TestJwt.HmacKeyBytes))));

    [Fact]
    public async Task DuplicateClaims_AreRejected_EvenWhenValidlySigned()
    {
        var payload = TestJwt.Payload(Now).TrimEnd('}') + $",\"exp\":{Now.AddYears(10).ToUnixTimeSeconds()}}}";
        Assert.Equal(WebSocketAuthFailureReasons.MalformedToken, await ReasonAsync(TestJwt.Sign("""{"alg":"HS256"}""", payload, TestJwt.Hs256(TestJwt.HmacKeyBytes))));
    }

    // ---- L2: nothing from the token in logs, even with ShowPII ----

    [Fact]
    [Trait("Matrix", "L2")]
    public async Task WithShowPII_NoLogLineContainsTheToken()
    {
        var showPii = IdentityModelEventSource.ShowPII;
        IdentityModelEventSource.ShowPII = true;
        try
        {
            var validator = Create();
            var tokens = new[]
            {
                TestJwt.HmacToken(Now, change: c => c["exp"] = Now.AddMinutes(-5).ToUnixTimeSeconds()),
                TestJwt.HmacToken(Now, change: c => c["iss"] = "https://evil.test/" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8))),
                TestJwt.HmacToken(Now, change: c => c["aud"] = "other-audience-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8))),
                TestJwt.Sign("""{"alg":"HS256"}""", TestJwt.Payload(Now), TestJwt.Hs256(RandomNumberGenerator.GetBytes(32))),
                TestJwt.Sign("""{"alg":"HS256"}""", "{\"exp\":\"soon\"}", TestJwt.Hs256(TestJwt.HmacKeyBytes)),
                TestJwt.Sign("""{"alg":"HS256","zip":"DEF"}""", TestJwt.Payload(Now), TestJwt.Hs256(TestJwt.HmacKeyBytes)), // refused by the precheck
                TestJwt.HmacToken(Now),
            };
            foreach (var token in tokens)
            {
                await validator.ValidateAsync(token);
            }

            Assert.NotEmpty(_logs.GetSnapshot());
            foreach (var secret in tokens.SelectMany(TestJwt.Secrets).Where(s => s.Length >= 16 && s != TestJwt.Issuer))
            {
                Assert.DoesNotContain(_logs.GetSnapshot(), e => e.AllText.Contains(secret, StringComparison.Ordinal));
            }
        }
        finally
        {
            IdentityModelEventSource.ShowPII = showPii;
        }
    }

    [Fact]
    [Trait("Matrix", "L2")]
    public async Task RejectionLog_NamesTheReasonAndExceptionType()
    {
        await Create().ValidateAsync(TestJwt.HmacToken(Now, change: c => c["exp"] = Now.AddMinutes(-5).ToUnixTimeSeconds()));
        var line = Assert.Single(_logs.GetSnapshot(), e => e.Id.Name == "JwtRejected");
        Assert.Contains("expired", line.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(SecurityTokenExpiredException), line.Message, StringComparison.Ordinal);
    }

    private static HashSet<string> Algorithms(params string[] values) => values.ToHashSet(StringComparer.Ordinal);

    private static HashSet<string> Types(params string[] values) => values.ToHashSet(StringComparer.Ordinal);

    private static string PadBase64(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        return s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
    }
}
