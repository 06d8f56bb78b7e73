using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Primitives;
using WsAuth.Internal;

namespace WsAuth.Benchmarks;

/// <summary>
/// The Origin check every handshake pays: normalize the header, then look it up (exact set, then wildcard patterns).
/// The allow-list is a typical one: a few exact origins and one wildcard.
/// </summary>
[MemoryDiagnoser]
public class OriginPolicyBenchmarks
{
    private static readonly StringValues ExactCanonical = "https://app.example.com";
    private static readonly StringValues ExactNonCanonical = "HTTPS://App.Example.com:443";
    private static readonly StringValues WildcardHit = "https://acme.tenant.example.net";
    private static readonly StringValues Miss = "https://evil.example.org";
    private static readonly StringValues Malformed = "https://app.example.com/path";

    private readonly OriginPolicy _policy = OriginPolicy.Create(
        ["https://app.example.com", "https://admin.example.com", "http://localhost:5000", "https://*.tenant.example.net"],
        allowAnyOrigin: false);

    /// <summary>The header is already canonical: the common browser case.</summary>
    [Benchmark(Description = "Origin exact, canonical header")]
    public int Exact_Canonical() => (int)_policy.Check(ExactCanonical, out _);

    /// <summary>Upper case and an explicit default port: needs normalization before the lookup.</summary>
    [Benchmark(Description = "Origin exact, non-canonical header")]
    public int Exact_NonCanonical() => (int)_policy.Check(ExactNonCanonical, out _);

    [Benchmark(Description = "Origin wildcard hit")]
    public int Wildcard_Hit() => (int)_policy.Check(WildcardHit, out _);

    [Benchmark(Description = "Origin miss")]
    public int NotListed() => (int)_policy.Check(Miss, out _);

    [Benchmark(Description = "Origin malformed")]
    public int NotAnOrigin() => (int)_policy.Check(Malformed, out _);
}
