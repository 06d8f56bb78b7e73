using FsCheck;
using Microsoft.FSharp.Core;

namespace WsAuth.Tests.Properties;

/// <summary>
/// Runs FsCheck properties inside xunit facts. Under CI (CI=true) the seed is fixed so runs are reproducible;
/// locally it is random. WSAUTH_PROPERTY_SEED=n replays a run; the failure message names the seed.
/// </summary>
internal static class PropertyCheck
{
    private const ulong CiSeed = 0x5EED_CAFE;

    public static void Run(Property property, int maxTest = 1000)
    {
        var seed = Seed();
        var config = Config.QuickThrowOnFailure
            .WithMaxTest(maxTest)
            .WithQuietOnSuccess(true)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(seed), FSharpOption<int>.None)));
        try
        {
            Check.One(config, property);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"Property failed with seed {seed} (replay with WSAUTH_PROPERTY_SEED={seed}).\n{ex.Message}", ex);
        }
    }

    private static ulong Seed()
    {
        if (ulong.TryParse(Environment.GetEnvironmentVariable("WSAUTH_PROPERTY_SEED"), out var configured))
        {
            return configured;
        }

        return string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
            ? CiSeed
            : (ulong)System.Security.Cryptography.RandomNumberGenerator.GetInt32(int.MaxValue);
    }
}
