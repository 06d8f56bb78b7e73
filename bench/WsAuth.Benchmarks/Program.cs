using BenchmarkDotNet.Running;
using WsAuth.Benchmarks;

// Every benchmark class runs with BenchConfig (in-process, short, allocations reported), one joined summary.
BenchmarkSwitcher.FromAssembly(typeof(BenchConfig).Assembly).Run(args, new BenchConfig());
