using BenchmarkDotNet.Running;
using WsAuth.Benchmarks;

// Every benchmark class runs with BenchConfig (in-process, short, allocations reported), one joined summary. The
// PostgreSQL ticket store is measured only when WSAUTH_POSTGRES names a reachable database, the Redis one only when
// WSAUTH_REDIS names a Redis that answers.
var types = typeof(BenchConfig).Assembly.GetExportedTypes()
    .Where(t => t is { IsAbstract: false, IsClass: true } && t.GetMethods().Any(m => m.IsDefined(typeof(BenchmarkDotNet.Attributes.BenchmarkAttribute), false)))
    .ToList();
if (TicketPostgresBenchmarks.Unavailable() is { } reason)
{
    types.Remove(typeof(TicketPostgresBenchmarks));
    Console.WriteLine($"// TicketPostgresBenchmarks skipped: {reason}.");
}

if (TicketRedisBenchmarks.Unavailable() is { } redisReason)
{
    types.Remove(typeof(TicketRedisBenchmarks));
    Console.WriteLine($"// TicketRedisBenchmarks skipped: {redisReason}.");
}

BenchmarkSwitcher.FromTypes([.. types]).Run(args, new BenchConfig());
