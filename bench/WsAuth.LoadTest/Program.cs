using WsAuth.LoadTest;
using WsAuth.LoadTest.Reporting;

// WsAuth.LoadTest: handshake, plain HTTP, echo, memory and abuse measurements of WsAuth against bare Kestrel and the
// Node ws + jsonwebtoken peer, every server in its own process on 127.0.0.1. See bench/README.md.
//   run [--quick] [--preliminary] [--rounds N] [--seconds S] [--concurrency C] [--memory-connections N]
//       [--abuse-sockets N] [--abuse-scenario id] [--only a,b] [--phases handshakes,http,memory,abuse]
//   serve <scenario>              (internal: the driver starts the servers this way)
//   chart <results.json> <out.png>
//   docs <results.json> <benchmarks.md> <micro results dir>
//   summary <results.json> [elapsed seconds]   (the one line bench/run.sh ends with; exits 0 whatever the targets)
//   revocation --engine postgres|redis [--users N] [--connection ...]   (time to close on another instance)
var command = args.Length > 0 ? args[0] : "run";
switch (command)
{
    case "serve" when args.Length == 2:
        return await ServeCommand.RunAsync(args[1]);
    case "chart" when args.Length == 3:
        return ChartWriter.Run(args[1], args[2]);
    case "docs" when args.Length == 4:
        return DocsWriter.Run(args[1], args[2], args[3]);
    case "summary" when args.Length is 2 or 3:
        return SummaryWriter.Run(args[1], args.Length == 3 ? args[2] : null);
    case "revocation":
        return await RevocationLatencyCommand.RunAsync(args.Skip(1).ToArray());
    case "run":
        return await RunCommand.RunAsync(args.Skip(1).ToArray());
    default:
        Console.Error.WriteLine("usage: WsAuth.LoadTest run [options] | serve <scenario> | chart <json> <png> | docs <json> <md> <micro-dir> | summary <json> [seconds]");
        return 2;
}
