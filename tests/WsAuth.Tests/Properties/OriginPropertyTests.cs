using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using WsAuth.Internal;

namespace WsAuth.Tests.Properties;

/// <summary>Properties of the Origin parser and matcher, the code that sees attacker input on every handshake.</summary>
public partial class OriginPropertyTests
{
    [GeneratedRegex(@"^[a-z][a-z0-9+.-]*://(\[[0-9a-f:.]+\]|[a-z0-9_-]+(\.[a-z0-9_-]+)*)(:[1-9][0-9]{0,4})?$")]
    private static partial Regex Canonical();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#@\\%\s\p{C}]+$")]
    private static partial Regex StrictGrammar();

    [Fact]
    public void TryNormalize_NeverThrows_OnAnyString()
        => PropertyCheck.Run(Prop.ForAll(ArbMap.Default.ArbFor<string>(), s =>
        {
            _ = OriginNormalizer.TryNormalize(s ?? string.Empty, out _);
            return true;
        }));

    [Fact]
    [Trait("Matrix", "O6")]
    [Trait("Matrix", "O7")]
    public void TryNormalize_OnlyAcceptsTheStrictGrammar_AndOnlyProducesCanonicalForms()
        => PropertyCheck.Run(Prop.ForAll(OriginGenerators.OriginLike.ToArbitrary(), input =>
        {
            if (!OriginNormalizer.TryNormalize(input, out var normalized))
            {
                return true;
            }

            var trimmed = input.Trim(' ', '\t');
            return StrictGrammar().IsMatch(trimmed)
                && Canonical().IsMatch(normalized)
                && !(normalized.StartsWith("https://", StringComparison.Ordinal) && normalized.EndsWith(":443", StringComparison.Ordinal))
                && !(normalized.StartsWith("http://", StringComparison.Ordinal) && normalized.EndsWith(":80", StringComparison.Ordinal));
        }), maxTest: 5000);

    [Fact]
    public void TryNormalize_IsIdempotent()
        => PropertyCheck.Run(Prop.ForAll(OriginGenerators.OriginLike.ToArbitrary(), input =>
        {
            if (!OriginNormalizer.TryNormalize(input, out var once))
            {
                return true;
            }

            return OriginNormalizer.TryNormalize(once, out var twice) && ReferenceEquals(once, twice);
        }), maxTest: 5000);

    [Fact]
    [Trait("Matrix", "O6")]
    public void Matching_IsConsistentAcrossCaseAndDefaultPorts()
    {
        var gen =
            from parts in OriginGenerators.ValidParts
            let canonicalPort = parts.Port is { } p && p != (parts.Scheme == "https" ? 443 : 80) ? ":" + p : string.Empty
            let canonical = $"{parts.Scheme}://{parts.Host}{canonicalPort}"
            let explicitPort = $"{parts.Scheme}://{parts.Host}:{parts.Port ?? (parts.Scheme == "https" ? 443 : 80)}"
            from variant in Gen.OneOf(OriginGenerators.RandomCase(canonical), OriginGenerators.RandomCase(explicitPort))
            select (canonical, variant);

        PropertyCheck.Run(Prop.ForAll(gen.ToArbitrary(), pair =>
        {
            var policy = OriginPolicy.Create([pair.canonical], allowAnyOrigin: false);
            return OriginNormalizer.TryNormalize(pair.variant, out var normalized)
                && normalized == pair.canonical
                && policy.Check(pair.variant, out _) == OriginCheck.Allowed;
        }));
    }

    [Fact]
    [Trait("Matrix", "O2")]
    public void Wildcard_MatchesExactlyTheHostsUnderTheDomain()
    {
        var gen =
            from candidate in OriginGenerators.ValidParts
            from suffixLabels in Gen.Choose(2, 3)
            from takeFromCandidate in ArbMap.Default.GeneratorFor<bool>()
            from other in OriginGenerators.ValidParts
            let candidateLabels = candidate.Host.Split('.')
            let suffix = takeFromCandidate && candidateLabels.Length >= suffixLabels
                ? string.Join('.', candidateLabels[^suffixLabels..])
                : other.Host.Contains('.', StringComparison.Ordinal) ? other.Host : other.Host + ".test"
            select (candidate, suffix);

        PropertyCheck.Run(Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (candidate, suffix) = t;
            var port = candidate.Port is { } p ? ":" + p : string.Empty;
            var policy = OriginPolicy.Create([$"{candidate.Scheme}://*.{suffix}{port}"], allowAnyOrigin: false);
            var origin = $"{candidate.Scheme}://{candidate.Host}{port}";
            var expected = candidate.Host.EndsWith("." + suffix, StringComparison.Ordinal);
            var otherScheme = candidate.Scheme == "https" ? "http" : "https";
            return (policy.Check(origin, out _) == OriginCheck.Allowed) == expected
                && policy.Check($"{otherScheme}://{candidate.Host}{port}", out _) != OriginCheck.Allowed
                && policy.Check($"{candidate.Scheme}://{suffix}{port}", out _) != OriginCheck.Allowed;
        }));
    }
}
